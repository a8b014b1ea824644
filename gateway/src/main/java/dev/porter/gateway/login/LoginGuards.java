package dev.porter.gateway.login;

/**
 * What keeps anonymous login traffic from costing anyone else: the started login kept in
 * a cookie rather than a session, a budget per client address, and a 503 instead of a new
 * session when the store is full.
 */
record LoginGuards(CookieServerAuthorizationRequestRepository authorizationRequests, LoginRateLimitWebFilter rateLimit,
		LoginCapacityWebFilter capacity) {
}
