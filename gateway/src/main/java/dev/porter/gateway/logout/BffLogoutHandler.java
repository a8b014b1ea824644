package dev.porter.gateway.logout;

import java.util.Optional;

import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.oidc.TokenRevoker;
import dev.porter.gateway.session.LoginTokens;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.session.StoredSessions;
import dev.porter.gateway.session.ToTheEnd;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.logout.ServerLogoutHandler;
import org.springframework.web.server.WebSession;

/**
 * Ends the browser's session at {@code POST /bff/logout}, first of the logout handlers
 * (the store and the registry know the session by the id it has now): removes it from the
 * store, then forgets it in the back-channel registry and in the sessions directory
 * ({@code /bff/sessions}), as every other ending does ({@code devices.SessionEnder}), and
 * revokes the refresh token the removal took with it; {@link #invalidateSession} runs
 * last and invalidates the request's own copy. The redirect to the IdP is the success
 * handler's job.
 * <p>
 * The token is the one the store held at the removal, not the request's copy: a refresh
 * of the session storing a rotated token while the logout runs would otherwise leave that
 * token in the removed session, valid at the IdP and held by nobody.
 * <p>
 * A session whose removal failed stays in the registry, as wherever a session ends
 * ({@code devices.SessionEnder}): it may be there still, signed in, and only the registry
 * lets the IdP's back-channel logout find it.
 * <p>
 * All steps are best effort and never fail: Spring Security runs the logout handlers one
 * after another and stops at the first error, so a failure here (discovery not loaded
 * while the IdP is down, the registry unreachable) would leave the user signed in.
 */
class BffLogoutHandler implements ServerLogoutHandler {

	private static final Logger log = LoggerFactory.getLogger(BffLogoutHandler.class);

	private final StoredSessions stored;

	private final DiscoveredClientRegistrationRepository registrations;

	private final TokenRevoker revoker;

	private final SessionRegistry registry;

	private final SessionDirectory directory;

	private final ToTheEnd toTheEnd;

	BffLogoutHandler(StoredSessions stored, DiscoveredClientRegistrationRepository registrations, TokenRevoker revoker,
			SessionRegistry registry, SessionDirectory directory, ToTheEnd toTheEnd) {
		this.stored = stored;
		this.registrations = registrations;
		this.revoker = revoker;
		this.registry = registry;
		this.directory = directory;
		this.toTheEnd = toTheEnd;
	}

	/**
	 * Runs to its end whoever stops waiting ({@link ToTheEnd}): a browser that closes the
	 * tab as the user clicks "Sign out" would otherwise leave the session removed and its
	 * refresh token, whose only copy the removal took, unrevoked.
	 */
	@Override
	public Mono<Void> logout(WebFilterExchange webFilterExchange, @Nullable Authentication authentication) {
		return webFilterExchange.getExchange()
			.getSession()
			.flatMap((session) -> this.toTheEnd
				.whoeverStopsWaiting(bestEffort("session not removed, kept in the back-channel registry",
						end(session).flatMap((taken) -> forgetAndRevoke(session, authentication, taken)))));
	}

	/**
	 * The last logout handler, after Spring Security's own, which clear the login and the
	 * CSRF token in the session without saving it (the security context repository
	 * changes the id of a session that gains a login, not of one that loses it): the
	 * session ends with nothing written to the store, which a full Redis would refuse.
	 */
	static Mono<Void> invalidateSession(WebFilterExchange webFilterExchange, @Nullable Authentication authentication) {
		return webFilterExchange.getExchange().getSession().flatMap(WebSession::invalidate);
	}

	/**
	 * Removes the session, answering the refresh token the removal took. A removal that
	 * failed may have been carried out (Redis answering late): the request's copy of the
	 * token is then the only one left to revoke, before the failure goes on.
	 */
	private Mono<Optional<OAuth2RefreshToken>> end(WebSession session) {
		Optional<OAuth2RefreshToken> requestCopy = Optional.ofNullable(LoginTokens.in(session))
			.map(LoginTokens::refreshToken)
			.map((token) -> new OAuth2RefreshToken(token, null));
		return this.stored.end(SessionKey.of(session.getId()))
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.onErrorResume((ex) -> bestEffort("refresh token not revoked", revoke(requestCopy)).then(Mono.error(ex)));
	}

	/**
	 * After the session was removed: each step on its own, best effort; a session without
	 * a signed-in user is in neither the registry nor the directory.
	 */
	private Mono<Void> forgetAndRevoke(WebSession session, @Nullable Authentication authentication,
			Optional<OAuth2RefreshToken> taken) {
		Mono<Void> forgotten = Mono.empty();
		if (authentication != null && authentication.getPrincipal() instanceof OidcUser user) {
			SessionKey key = SessionKey.of(session.getId());
			forgotten = bestEffort("session left in the back-channel registry",
					this.registry.unregister(key, user.getIdToken().getClaimAsString("sid"), user.getSubject()))
				.then(bestEffort("entry left in the sessions directory",
						this.directory.forget(key, user.getSubject())));
		}
		return forgotten.then(bestEffort("refresh token not revoked", revoke(taken)));
	}

	private Mono<Void> revoke(Optional<OAuth2RefreshToken> refreshToken) {
		// The registration needs discovery: a 503 while the IdP is down and this
		// instance has not loaded it yet.
		return refreshToken
			.map((token) -> this.registrations.registration()
				.flatMap((registration) -> this.revoker.revoke(registration, token)))
			.orElse(Mono.empty());
	}

	private static Mono<Void> bestEffort(String consequence, Mono<Void> step) {
		return step.onErrorResume((ex) -> {
			// The type only: messages can quote the IdP's or Redis' answers.
			log.warn("logout continues: {} ({})", consequence, ex.getClass().getSimpleName());
			return Mono.empty();
		});
	}

}
