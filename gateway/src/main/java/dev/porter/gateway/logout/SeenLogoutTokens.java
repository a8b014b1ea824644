package dev.porter.gateway.logout;

import java.time.Instant;

import reactor.core.publisher.Mono;

/**
 * The {@code jti} of every logout token acted on, remembered until the token could no
 * longer pass validation anyway: a captured token posted again must not end the sessions
 * the user started after the first one. In memory by default; in Redis when gateways
 * share state, so a token taken by one instance is refused by all.
 */
interface SeenLogoutTokens {

	/**
	 * Records {@code jti} until {@code forgetAt}; true if it was not already recorded
	 * (atomically: of two concurrent calls with one jti, exactly one gets true).
	 */
	Mono<Boolean> firstSighting(String jti, Instant forgetAt);

	/**
	 * Forgets {@code jti} again: acting on its token failed, and the IdP's retry of it
	 * must be acted on rather than refused as a replay.
	 */
	Mono<Void> forget(String jti);

}
