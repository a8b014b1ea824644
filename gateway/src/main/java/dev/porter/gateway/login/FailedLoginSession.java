package dev.porter.gateway.login;

import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.oidc.TokenRevoker;
import dev.porter.gateway.session.FreshSession;
import dev.porter.gateway.session.IdpSession;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.session.StoredSessions;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * Ends the callback's own session ({@code session.FreshSession}) when its login fails
 * after Spring Security stored the login's tokens in it: left alone, the answer's save
 * would store it and give the browser its cookie, signed in yet unknown to back-channel
 * logout and to {@code /bff/sessions}, whatever the failure said. The session is
 * invalidated, so that it is never saved and the answer sets no cookie, and the refresh
 * token the code exchange just got is revoked, as wherever a session ends
 * ({@link TokenRevoker}): nobody holds it any more. Unless the session the browser
 * presented, which goes on, belongs to the same IdP session ({@link IdpSession}): the
 * revocation would end it too at Keycloak. Not when the IdP logged that IdP session out
 * (the login failing for that very reason, or for another while the logout came): the
 * presented session is being ended by the same logout, whether or not it has been yet.
 * Both best effort: the store or the IdP may be what just failed, and the login fails
 * anyway.
 */
class FailedLoginSession {

	private final ServerOAuth2AuthorizedClientRepository authorizedClients;

	private final TokenRevoker revoker;

	private final StoredSessions stored;

	private final SessionRegistry registry;

	FailedLoginSession(ServerOAuth2AuthorizedClientRepository authorizedClients, TokenRevoker revoker,
			StoredSessions stored, SessionRegistry registry) {
		this.authorizedClients = authorizedClients;
		this.revoker = revoker;
		this.stored = stored;
		this.registry = registry;
	}

	/**
	 * Ends {@code session}, the callback's own, of a login within {@code login}
	 * ({@code null}: unknown).
	 */
	Mono<Void> end(ServerWebExchange exchange, WebSession session, @Nullable IdpSession login) {
		// Read before the session is invalidated, which drops the tokens it holds.
		Mono<Void> revoke = presentedGoesOnIn(exchange, login)
			.flatMap((goesOn) -> goesOn ? Mono.<Void>empty()
					: this.authorizedClients
						.loadAuthorizedClient(DiscoveredClientRegistrationRepository.REGISTRATION_ID, null, exchange)
						.flatMap(this.revoker::revoke))
			.onErrorResume((ex) -> Mono.empty());
		// Invalidated even if the store cannot delete it: an invalidated session is never
		// saved, and the callback's answer expires no cookie (it resolved none).
		// Deferred: an in-memory session drops its attributes as soon as invalidate() is
		// called, before the revocation could read them.
		return revoke.then(Mono.defer(session::invalidate).onErrorResume((ex) -> Mono.empty()));
	}

	/**
	 * Whether a session the browser presented at the callback is signed in within
	 * {@code login} (a second login through the IdP's single sign-on), which the IdP has
	 * not logged out: not when the presented session cannot be read; yes when only the
	 * registry cannot tell of a logout ({@link SessionRegistry#loggedOutAsFarAsKnown}).
	 */
	private Mono<Boolean> presentedGoesOnIn(ServerWebExchange exchange, @Nullable IdpSession login) {
		if (login == null) {
			return Mono.just(false);
		}
		return Flux.fromIterable(FreshSession.presented(exchange))
			.concatMap((id) -> this.stored.loginUser(SessionKey.of(id)))
			.any((presented) -> login.includes(presented.sub(), presented.sid()))
			.flatMap((signedIn) -> signedIn ? this.registry.loggedOutAsFarAsKnown(login).map((loggedOut) -> !loggedOut)
					: Mono.just(false))
			.onErrorReturn(false);
	}

}
