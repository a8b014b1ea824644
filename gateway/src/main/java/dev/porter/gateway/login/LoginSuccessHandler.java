package dev.porter.gateway.login;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.porter.gateway.csrf.SessionCsrfTokenRepository;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.session.ReplacedSessionEnder;
import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.SessionAttributes;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.FreshSession;
import dev.porter.gateway.session.IdpSession;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionLimit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.server.DefaultServerRedirectStrategy;
import org.springframework.security.web.server.ServerRedirectStrategy;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.ServerAuthenticationSuccessHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * After the callback, on a session of its own (see {@code session.FreshSession}): ends
 * the session the browser presented, if any, stamps the login time for the absolute
 * lifetime, registers the session for back-channel logout under the ID token's
 * {@code sid} and {@code sub} (and ends it at once, failing the login, if such a logout
 * came while the callback ran), records it in the user's session directory (for
 * {@code GET /bff/sessions}), ends the user's sessions past their limit
 * ({@link SessionLimit}), and sends the browser to the {@code returnTo} it asked for at
 * {@code /bff/login} (carried in the completed authorization request). The CSRF token is
 * rotated too, so no token known before signing in is worth anything after.
 */
class LoginSuccessHandler implements ServerAuthenticationSuccessHandler {

	private static final Logger log = LoggerFactory.getLogger(LoginSuccessHandler.class);

	private final SessionRegistry registry;

	private final Counter logins;

	private final SessionCsrfTokenRepository csrfTokens;

	private final SessionDirectory directory;

	private final Clock clock;

	private final ServerRedirectStrategy redirects = new DefaultServerRedirectStrategy();

	private final ReplacedSessionEnder replaced;

	private final SessionLimit limit;

	private final FailedLoginSession failed;

	LoginSuccessHandler(SessionRegistry registry, MeterRegistry meters, SessionCsrfTokenRepository csrfTokens,
			SessionDirectory directory, ReplacedSessionEnder replaced, SessionLimit limit, FailedLoginSession failed,
			Clock clock) {
		this.registry = registry;
		this.failed = failed;
		this.limit = limit;
		this.replaced = replaced;
		this.clock = clock;
		this.directory = directory;
		this.logins = meters.counter("porter.logins", "outcome", "success");
		this.csrfTokens = csrfTokens;
	}

	@Override
	public Mono<Void> onAuthenticationSuccess(WebFilterExchange webFilterExchange, Authentication authentication) {
		this.logins.increment();
		ServerWebExchange exchange = webFilterExchange.getExchange();
		return this.csrfTokens.rotate(exchange).then(exchange.getSession()).flatMap((session) -> {
			Instant now = this.clock.instant();
			IdpSession login = idpSession(exchange, authentication, now);
			return register(exchange, session, login, now).then(save(session))
				.onErrorResume((ex) -> abandon(exchange, session, login).then(Mono.error(ex)))
				.then(endPresented(exchange, login))
				.then(makeRoom(session, login))
				.thenReturn(returnTo(exchange));
		}).flatMap((target) -> this.redirects.sendRedirect(exchange, target));
	}

	/**
	 * Ends the new session of a login that could not be recorded or stored, or that the
	 * IdP logged out meanwhile, before the error makes it a failed login
	 * (login.CallbackErrorWebFilter): Spring Security saved the login into it already
	 * ({@link FailedLoginSession}). Whatever part was recorded goes too, best effort: the
	 * store just failed, and a leftover names a session that no longer exists.
	 */
	private Mono<Void> abandon(ServerWebExchange exchange, WebSession session, @Nullable IdpSession login) {
		Mono<Void> end = this.failed.end(exchange, session, login);
		if (login == null) {
			return end;
		}
		SessionKey key = SessionKey.of(session.getId());
		return end.then(this.registry.unregister(key, login.sid(), login.sub()).onErrorResume((ex) -> Mono.empty()))
			.then(this.directory.forget(key, login.sub()).onErrorResume((ex) -> Mono.empty()));
	}

	/**
	 * Registers the session, which is stored already: Spring Security changed its id when
	 * it saved the login into it, and the new id is stored at once (in memory, and in
	 * Redis by Spring Session's adapter). So a back-channel logout that finds the
	 * registration from here on ends the session for good: the answer's save cannot bring
	 * it back (an invalidated session in memory, a compare-and-set in Redis). Stamped
	 * before registering: in memory, whoever ends the session tells its login by the
	 * stamp (session.InMemoryStoredSessions), and revokes its refresh token.
	 */
	private Mono<Void> register(ServerWebExchange exchange, WebSession session, @Nullable IdpSession login,
			Instant now) {
		session.getAttributes().put(SessionAttributes.AUTHENTICATED_AT, now.toEpochMilli());
		if (login == null) {
			return Mono.empty();
		}
		String userAgent = exchange.getRequest().getHeaders().getFirst(HttpHeaders.USER_AGENT);
		SessionKey key = SessionKey.of(session.getId());
		return this.registry.register(key, login.sid(), login.sub(), login.since())
			.flatMap((loggedOut) -> failIfLoggedOut(exchange, loggedOut, now))
			.then(this.directory.record(new DirectoryEntry(key, login.sid(), login.sub(), now, now, userAgent)));
	}

	/**
	 * Writes the session as the login left it (its login time, its CSRF token): the id
	 * change stored it before either. Spring's session manager would write it only as the
	 * redirect is committed, past the callback's failure handling: a store failing just
	 * then answered 500 and left the session stored, signed in with a refresh token
	 * nobody revoked, registered and listed. Here a failure is the login's, whose session
	 * is ended ({@link #abandon}), and the answer's own save finds nothing left to write.
	 * A session that a back-channel logout ended meanwhile is not written back.
	 */
	private static Mono<Void> save(WebSession session) {
		return Mono.defer(() -> session.isExpired() ? Mono.empty() : session.save());
	}

	/**
	 * The IdP logged the login out while its callback ran (a back-channel logout of its
	 * {@code sid}, or of its user, issued no earlier than the callback began on the IdP's
	 * clock: {@link #callbackBeganAtTheIdp}): the logout found no session to end, the IdP
	 * got its 200 and never sends it again, so the login ends itself here
	 * ({@link #abandon}, its refresh token revoked) and fails. So does a callback that
	 * ran longer than such a logout is remembered ({@link CallbackStart}).
	 */
	private Mono<Void> failIfLoggedOut(ServerWebExchange exchange, boolean loggedOut, Instant now) {
		if (loggedOut) {
			log.info("login ended: the IdP logged its session out while the login was under way");
			return Mono.error(new OAuth2AuthenticationException(new OAuth2Error("login_required",
					"The identity provider ended the session while the login was under way", null)));
		}
		if (CallbackStart.outlivesLogoutMemory(exchange, now)) {
			log.warn("login failed: its callback ran longer than a back-channel logout is remembered ({})",
					SessionRegistry.LOGOUT_MEMORY);
			return Mono.error(new OAuth2AuthenticationException(
					new OAuth2Error(OAuth2ErrorCodes.SERVER_ERROR, "The login took too long to be completed", null)));
		}
		return Mono.empty();
	}

	/**
	 * When the callback began, on the IdP's clock (a logout token's {@code iat} is on it,
	 * not on ours): the ID token's {@code iat} less the time the callback has run, to the
	 * second below. The IdP may end the session a moment before it mints the ID token,
	 * while the code exchange is under way; that logout reaches us during the callback
	 * with the earlier {@code iat}, and must end the login too. Only durations on our
	 * clock are used, so the two clocks need not agree.
	 */
	private static Instant callbackBeganAtTheIdp(ServerWebExchange exchange, OidcUser user, Instant now) {
		return IdpSession.issuedAtOrEarliest(user.getIdToken().getIssuedAt())
			.minus(CallbackStart.elapsed(exchange, now))
			.truncatedTo(ChronoUnit.SECONDS);
	}

	/**
	 * The login's IdP session, known since the callback began on the IdP's clock
	 * ({@link #callbackBeganAtTheIdp}): a logout that ends the login at its registration
	 * also ends its IdP session for the sessions it ends later (the presented one, those
	 * past the limit: {@link IdpSession}). {@code null} for a login that is no OIDC one.
	 */
	private static @Nullable IdpSession idpSession(ServerWebExchange exchange, Authentication authentication,
			Instant now) {
		if (!(authentication.getPrincipal() instanceof OidcUser user)) {
			return null;
		}
		return new IdpSession(user.getSubject(), user.getIdToken().getClaimAsString("sid"),
				callbackBeganAtTheIdp(exchange, user, now));
	}

	/**
	 * Ends the session the browser presented at the callback: the login went to a new one
	 * ({@code session.FreshSession}), and the old id must not stay signed in, whoever it
	 * belongs to (this browser's earlier login, or one an attacker planted). Its refresh
	 * token is revoked unless the new login goes on in its IdP session.
	 */
	private Mono<Void> endPresented(ServerWebExchange exchange, @Nullable IdpSession login) {
		return Flux.fromIterable(FreshSession.presented(exchange))
			.concatMap((id) -> this.replaced.endReplaced(SessionKey.of(id), login))
			.then()
			// After the new session is registered, and never failing the login it
			// follows:
			// the old session still ends at its idle timeout.
			.onErrorResume((ex) -> {
				log.warn("the session presented at the login could not be ended: {}", ex.getClass().getSimpleName());
				return Mono.empty();
			});
	}

	/**
	 * Keeps the user within their number of sessions ({@link SessionLimit}), after the
	 * presented session ended (often the user's own, which then counts no more). Never
	 * failing the login: past the limit for a while, the user is ended down to it at
	 * their next login.
	 */
	private Mono<Void> makeRoom(WebSession session, @Nullable IdpSession login) {
		if (login == null) {
			return Mono.empty();
		}
		return this.limit.admit(login, SessionKey.of(session.getId())).onErrorResume((ex) -> {
			log.warn("the user's sessions past the limit could not be ended: {}", ex.getClass().getSimpleName());
			return Mono.empty();
		});
	}

	private static URI returnTo(ServerWebExchange exchange) {
		OAuth2AuthorizationRequest completed = CookieServerAuthorizationRequestRepository.completed(exchange);
		Object saved = (completed != null) ? completed.getAttribute(LoginSessionAttributes.RETURN_TO) : null;
		return URI.create((saved instanceof String path && ReturnTo.isLocalPath(path)) ? path : "/");
	}

}
