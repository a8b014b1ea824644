package dev.porter.gateway.logout;

import dev.porter.gateway.oidc.TokenRevoker;
import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.logout.ServerLogoutHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * Ends the browser's session at {@code POST /bff/logout}: revokes the refresh token and
 * forgets the session in the back-channel registry, first of the logout handlers (the
 * registry knows the session by the id it has now); {@link #invalidateSession} runs last
 * and invalidates the session (with it the tokens and the login). The redirect to the IdP
 * is the success handler's job.
 * <p>
 * Both steps are best effort and never fail: Spring Security runs the logout handlers one
 * after another and stops at the first error, so a failure here (discovery not loaded
 * while the IdP is down, the registry unreachable) would leave the user signed in.
 */
class BffLogoutHandler implements ServerLogoutHandler {

	private static final Logger log = LoggerFactory.getLogger(BffLogoutHandler.class);

	private final ServerOAuth2AuthorizedClientRepository authorizedClients;

	private final TokenRevoker revoker;

	private final SessionRegistry registry;

	BffLogoutHandler(ServerOAuth2AuthorizedClientRepository authorizedClients, TokenRevoker revoker,
			SessionRegistry registry) {
		this.authorizedClients = authorizedClients;
		this.revoker = revoker;
		this.registry = registry;
	}

	@Override
	public Mono<Void> logout(WebFilterExchange webFilterExchange, @Nullable Authentication authentication) {
		ServerWebExchange exchange = webFilterExchange.getExchange();
		return bestEffort("refresh token not revoked", revoke(exchange, authentication))
			.then(bestEffort("session left in the back-channel registry", unregister(exchange, authentication)));
	}

	/**
	 * The last logout handler. Spring Security's own, which clears the security context,
	 * changes the session id and so saves the session: after an invalidation that save
	 * fails in Redis ("Session was invalidated", a 500) and puts the dead session back
	 * under a new id in memory.
	 */
	static Mono<Void> invalidateSession(WebFilterExchange webFilterExchange, @Nullable Authentication authentication) {
		return webFilterExchange.getExchange().getSession().flatMap(WebSession::invalidate);
	}

	private Mono<Void> revoke(ServerWebExchange exchange, @Nullable Authentication authentication) {
		// Loading the client needs the registration, so discovery: a 503 while the IdP is
		// down and this instance has not loaded it yet.
		return this.authorizedClients
			.<OAuth2AuthorizedClient>loadAuthorizedClient(DiscoveredClientRegistrationRepository.REGISTRATION_ID,
					authentication, exchange)
			.flatMap(this.revoker::revoke);
	}

	private Mono<Void> unregister(ServerWebExchange exchange, @Nullable Authentication authentication) {
		if (authentication == null || !(authentication.getPrincipal() instanceof OidcUser user)) {
			return Mono.empty();
		}
		String sid = user.getIdToken().getClaimAsString("sid");
		return exchange.getSession()
			.flatMap((session) -> this.registry.unregister(SessionKey.of(session.getId()), sid, user.getSubject()));
	}

	private static Mono<Void> bestEffort(String consequence, Mono<Void> step) {
		return step.onErrorResume((ex) -> {
			// The type only: messages can quote the IdP's or Redis' answers.
			log.warn("logout continues: {} ({})", consequence, ex.getClass().getSimpleName());
			return Mono.empty();
		});
	}

}
