package dev.porter.gateway.token;

import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.Function;

import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.session.InMemorySessionTokens;
import dev.porter.gateway.session.LoginTokens;
import dev.porter.gateway.session.LoginUser;
import dev.porter.gateway.session.SharedSessions;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * The tokens of a session (a {@link LoginTokens} kept by
 * {@link SessionAuthorizedClientRepository}) and the session's {@link RefreshBackoff}. A
 * refresh outlives the request that started it, so {@link #reload} and the writes work on
 * the session in the store, never on a request's copy: in memory every request of a
 * session shares the store's one {@link WebSession} object; with Redis each request holds
 * its own copy, so they read and write the stored session by id (another instance may
 * have refreshed meanwhile, and the request may be long gone when the refresh ends).
 */
@Component
class SessionTokens {

	static final String BACKOFF_FAILURES = "porter.token.refresh-failures";

	static final String BACKOFF_NOT_BEFORE = "porter.token.refresh-not-before";

	/** Present (true) while the session's last failed refresh was an access_denied. */
	static final String BACKOFF_DENIED = "porter.token.refresh-denied";

	/**
	 * Present (true) while the session's access token is the fruit of a refresh that the
	 * API's refusal of the one before brought about
	 * ({@link TokenRefresher#refreshRefused}). Every store of tokens sets or clears it.
	 */
	static final String RENEWED_ON_REFUSAL = "porter.token.renewed-on-refusal";

	private final ServerOAuth2AuthorizedClientRepository repository;

	private final ObjectProvider<SharedSessions> sharedSessions;

	private final ReactiveClientRegistrationRepository registrations;

	SessionTokens(ServerOAuth2AuthorizedClientRepository repository, ObjectProvider<SharedSessions> sharedSessions,
			ReactiveClientRegistrationRepository registrations) {
		this.repository = repository;
		this.sharedSessions = sharedSessions;
		this.registrations = registrations;
	}

	Mono<OAuth2AuthorizedClient> load(ServerWebExchange exchange, Authentication authentication) {
		return this.repository.loadAuthorizedClient(DiscoveredClientRegistrationRepository.REGISTRATION_ID,
				authentication, exchange);
	}

	/**
	 * The backoff as the request's copy of the session saw it when the request began:
	 * enough to turn a request away quickly, not to decide on a refresh.
	 */
	static RefreshBackoff backoff(WebSession session) {
		return backoff(session::getAttribute);
	}

	/**
	 * Whether the API's refusal of {@code refused} stands, as the request's copy of the
	 * session tells: it holds {@code refused} as its access token,
	 * {@link #RENEWED_ON_REFUSAL renewed on a refusal}, whatever was stored since (a
	 * later token would be another request's to relay).
	 */
	static boolean refusalStands(WebSession session, String refused) {
		LoginTokens held = LoginTokens.in(session);
		return held != null && refusalStands(held.accessToken(),
				Boolean.TRUE.equals(session.getAttribute(RENEWED_ON_REFUSAL)), refused);
	}

	/**
	 * The rule both the request's copy and the stored session are read by: the API's
	 * refusal of {@code refused} stands when it is the session's access token and that
	 * token was itself {@link #RENEWED_ON_REFUSAL renewed on a refusal}: the API refused
	 * the renewed token too, and another would fare no better.
	 */
	private static boolean refusalStands(String accessToken, boolean renewedOnRefusal, @Nullable String refused) {
		return renewedOnRefusal && accessToken.equals(refused);
	}

	/**
	 * The session's tokens and backoff as stored now; empty when the session or its
	 * tokens are gone.
	 */
	Mono<Stored> reload(WebSession session) {
		SharedSessions shared = this.sharedSessions.getIfAvailable();
		Mono<Found> found = (shared != null)
				? shared.findCurrent(session.getId(), session.getLastAccessTime())
					.mapNotNull((stored) -> found(stored::getAttribute))
				: Mono.justOrEmpty(found(session::getAttribute));
		return found.flatMap((tokens) -> this.registrations
			.findByRegistrationId(DiscoveredClientRegistrationRepository.REGISTRATION_ID)
			.map((registration) -> new Stored(tokens.tokens().toAuthorizedClient(registration, tokens.principalName()),
					tokens.backoff(), tokens.renewedOnRefusal())));
	}

	/**
	 * Whether the session still holds its tokens, as stored now: not once it ended (a
	 * logout, an ending from another device or the IdP). Not knowing (the store failing)
	 * is taken as held: the store's failure is no reason to end a request.
	 */
	Mono<Boolean> stillHeld(WebSession session) {
		return reload(session).hasElement().onErrorReturn(true);
	}

	/**
	 * Stores refreshed tokens, and the renewed ID token in the login (the logout's
	 * {@code id_token_hint}), and clears the backoff: the refresh worked.
	 * {@code onRefusal} when the API's refusal of the access token before brought the
	 * refresh about.
	 */
	Mono<Void> store(WebSession session, IdpRefreshCall.Refreshed refreshed, boolean onRefusal) {
		return update(session, (get, set) -> {
			set.accept(LoginTokens.ATTRIBUTE, LoginTokens.of(refreshed.client()));
			set.accept(RENEWED_ON_REFUSAL, onRefusal ? Boolean.TRUE : null);
			Jwt idToken = refreshed.idToken();
			if (idToken != null && get.apply(LoginUser.ATTRIBUTE) instanceof LoginUser user) {
				set.accept(LoginUser.ATTRIBUTE,
						user.withIdToken(idToken.getTokenValue(), idToken.getIssuedAt(), idToken.getExpiresAt()));
			}
			set.accept(BACKOFF_FAILURES, null);
			set.accept(BACKOFF_NOT_BEFORE, null);
			set.accept(BACKOFF_DENIED, null);
		});
	}

	Mono<Void> store(WebSession session, RefreshBackoff backoff) {
		return update(session, (get, set) -> {
			set.accept(BACKOFF_FAILURES, backoff.failures());
			set.accept(BACKOFF_NOT_BEFORE, backoff.notBefore().toEpochMilli());
			set.accept(BACKOFF_DENIED, backoff.lastDenied() ? Boolean.TRUE : null);
		});
	}

	/**
	 * Applies {@code change} (a getter and a setter; a {@code null} value removes) to the
	 * stored session, if it still exists: an ended session is not brought back.
	 */
	private Mono<Void> update(WebSession session,
			BiConsumer<Function<String, @Nullable Object>, BiConsumer<String, @Nullable Object>> change) {
		SharedSessions shared = this.sharedSessions.getIfAvailable();
		if (shared == null) {
			// In memory the session object outlives its ending (emptied, or invalidated):
			// one without tokens is ended, and a request still holding it could save it
			// back into the store.
			return Mono.fromRunnable(() -> InMemorySessionTokens.changeIfHeld(session,
					() -> change.accept(session::getAttribute, (name, value) -> {
						if (value == null) {
							session.getAttributes().remove(name);
						}
						else {
							session.getAttributes().put(name, value);
						}
					})));
		}
		return shared.update(session.getId(), session.getLastAccessTime(),
				(stored) -> change.accept(stored::getAttribute, (name, value) -> {
					if (value == null) {
						stored.removeAttribute(name);
					}
					else {
						stored.setAttribute(name, value);
					}
				}));
	}

	private static @Nullable Found found(Function<String, @Nullable Object> attributes) {
		if (attributes.apply(LoginTokens.ATTRIBUTE) instanceof LoginTokens tokens) {
			String principalName = (attributes.apply(LoginUser.ATTRIBUTE) instanceof LoginUser user) ? user.sub()
					: "anonymous";
			return new Found(tokens, principalName, backoff(attributes),
					Boolean.TRUE.equals(attributes.apply(RENEWED_ON_REFUSAL)));
		}
		return null;
	}

	private static RefreshBackoff backoff(Function<String, @Nullable Object> attributes) {
		if (attributes.apply(BACKOFF_FAILURES) instanceof Integer failures
				&& attributes.apply(BACKOFF_NOT_BEFORE) instanceof Long notBefore) {
			return new RefreshBackoff(failures, Instant.ofEpochMilli(notBefore),
					Boolean.TRUE.equals(attributes.apply(BACKOFF_DENIED)));
		}
		return RefreshBackoff.NONE;
	}

	/**
	 * A session's tokens and refresh backoff as stored, and whether its access token was
	 * {@link #RENEWED_ON_REFUSAL renewed on a refusal}.
	 */
	record Stored(OAuth2AuthorizedClient client, RefreshBackoff backoff, boolean renewedOnRefusal) {

		/**
		 * Whether the API's refusal of {@code refused} stands, as stored now (see
		 * {@link SessionTokens#refusalStands(WebSession, String)}).
		 */
		boolean refusalStands(@Nullable String refused) {
			return SessionTokens.refusalStands(this.client.getAccessToken().getTokenValue(), this.renewedOnRefusal,
					refused);
		}

	}

	private record Found(LoginTokens tokens, String principalName, RefreshBackoff backoff, boolean renewedOnRefusal) {
	}

}
