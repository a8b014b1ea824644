package dev.porter.gateway.logout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import dev.porter.common.SignatureAlgorithms;
import dev.porter.gateway.oidc.OidcProperties;
import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.problem.ProblemException;
import dev.porter.common.RedisRefusals;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.problem.SmallFormReader;
import dev.porter.gateway.session.LoggedOutSessionEnder;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.session.ToTheEnd;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code POST /bff/backchannel-logout}: the IdP tells us a user's IdP session ended;
 * every gateway session of that {@code sid} (or, without one, of that {@code sub}) ends
 * too, as any session ended from outside does (its refresh token revoked). So does a
 * login of them still on its way, which is not registered yet and so not found: the
 * logout is recorded for it ({@link SessionRegistry#loggedOutSid}). Answers 200 once
 * done; 400 for a token that does not validate or was already used (the IdP does not
 * retry) or a form that does not decode; 413 for a body no logout token needs; 408 for a
 * body still arriving at the read timeout ({@link SmallFormReader}); 503 when the IdP's
 * keys or the session store cannot be reached, or Redis is full and cannot record the
 * logout (after ending the sessions it finds). A token naming a key we lack waits for the
 * next fetch of the IdP's keys, a few seconds at most ({@link #JWKS_MIN_REFETCH}).
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html">OIDC
 * Back-Channel Logout 1.0</a>
 */
@RestController
class BackchannelLogoutController {

	/**
	 * Far above a logout token (Auth0's are about 1 KiB), far below what it costs to
	 * buffer: the endpoint is open to anyone. Above the 4 KiB of the browser's logout
	 * form: the IdP sizes its token (its key, its claims), and a token refused as too
	 * large leaves the user signed in here after logging out at the IdP.
	 */
	static final int MAX_BODY_BYTES = 16 * 1024;

	private static final String LOGOUT_TOKEN = "logout_token";

	/**
	 * One fetch of the JWKS starts at most this often, however many forged tokens name a
	 * made-up kid (30 a minute to the IdP at most, where Auth0 allows 20 a second); a
	 * token naming a kid we lack waits for the next, at most this long (or, should a
	 * fetch under way take longer, as long as it takes) plus the fetch's own timeout
	 * ({@code OIDC_RESPONSE_TIMEOUT}). Short, because the IdP stops waiting for its
	 * answer after a few seconds (dev-idp after 3) and never sends that logout again.
	 */
	private static final Duration JWKS_MIN_REFETCH = Duration.ofSeconds(2);

	/** Keys are re-read this often, so a key the IdP withdrew stops verifying. */
	private static final Duration JWKS_MAX_AGE = Duration.ofHours(1);

	private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

	private static final Logger log = LoggerFactory.getLogger(BackchannelLogoutController.class);

	private final DiscoveredClientRegistrationRepository registrations;

	private final OidcProperties oidc;

	private final WebClient webClient;

	private final SessionRegistry registry;

	private final SeenLogoutTokens seen;

	private final LoggedOutSessionEnder ender;

	private final Clock clock;

	/**
	 * Runs a token's wait for the next JWKS fetch: Reactor's parallel scheduler, unless
	 * the context holds one (a test's virtual time).
	 */
	private final Scheduler timers;

	private final BackchannelLogoutLog throttledLog;

	private final SmallFormReader formReader;

	private final ToTheEnd toTheEnd;

	private final AtomicReference<ReactiveJwtDecoder> decoder = new AtomicReference<>();

	BackchannelLogoutController(DiscoveredClientRegistrationRepository registrations, OidcProperties oidc,
			WebClient idpWebClient, SessionRegistry registry, SeenLogoutTokens seen, LoggedOutSessionEnder ender,
			ToTheEnd toTheEnd, ObjectProvider<Clock> clock, ObjectProvider<Scheduler> timers) {
		this.registrations = registrations;
		this.oidc = oidc;
		this.webClient = idpWebClient;
		this.registry = registry;
		this.seen = seen;
		this.ender = ender;
		this.toTheEnd = toTheEnd;
		this.clock = clock.getIfAvailable(Clock::systemUTC);
		this.timers = timers.getIfAvailable(Schedulers::parallel);
		this.throttledLog = new BackchannelLogoutLog(this.clock);
		this.formReader = new SmallFormReader(MAX_BODY_BYTES, Problems::logoutTokenTooLarge,
				this.throttledLog::unreadBodies);
	}

	@PostMapping(path = "/bff/backchannel-logout", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
	Mono<ResponseEntity<Void>> logout(ServerWebExchange exchange) {
		// A form that cannot be read is the sender's doing, answered as such (4xx), never
		// as the IdP or the store being unavailable, which would have the IdP retry.
		return this.formReader.read(exchange.getRequest(), LOGOUT_TOKEN)
			.mapNotNull((form) -> form.getFirst(LOGOUT_TOKEN))
			.switchIfEmpty(Mono.error(() -> invalid(null)))
			// Runs to its end whoever stops waiting: the IdP sends each logout once.
			.flatMap((token) -> this.toTheEnd.whoeverStopsWaiting(verifyAndAct(token)))
			.onErrorMap((ex) -> !(ex instanceof ProblemException), this::unavailable)
			.thenReturn(ResponseEntity.ok().cacheControl(CacheControl.noStore()).<Void>build());
	}

	/**
	 * Verifies the token and acts on it, to the end even once the IdP stopped waiting for
	 * the answer (dev-idp after 3 s), after which it never sends that logout again.
	 * Verifying may wait for the next fetch of the IdP's keys, as long as
	 * {@link #JWKS_MIN_REFETCH} says, for a forged token as well: so much, no more, is
	 * left running for a sender that went away. Acting waits for each session's
	 * revocation; once the jti is recorded, a retry would be a replay, refused, and no
	 * one would end the sessions left. A failure is logged here, where no one may be left
	 * to answer.
	 */
	private Mono<Void> verifyAndAct(String token) {
		return decode(token).flatMap(this::actOnce)
			.onErrorMap((ex) -> !(ex instanceof ProblemException), this::unavailable);
	}

	private Mono<Jwt> decode(String token) {
		return decoder().flatMap((decoder) -> decoder.decode(token)).onErrorMap(BadJwtException.class, (ex) -> {
			this.throttledLog.rejected(ex);
			return invalid(ex);
		});
	}

	/**
	 * Acts on each token once: a replay could end sessions begun after the first use. A
	 * full Redis, which cannot record its jti, has it end only sessions older than the
	 * token ({@link #endUnrecorded}). When acting fails, the token answers 503 and the
	 * IdP may retry it: its jti is forgotten, so that the retry is not refused as a
	 * replay. That holds for a failure of the recording itself too, which the store may
	 * carry out after we stopped waiting.
	 */
	private Mono<Void> actOnce(Jwt token) {
		return this.seen.firstSighting(token.getId(), LogoutTokenValidator.rememberUntil(token))
			.onErrorResume(RedisRefusals::isFull, (full) -> endUnrecorded(token, full))
			.flatMap((first) -> first ? endSessions(token).thenReturn(true) : Mono.just(false))
			.onErrorResume((ex) -> bestEffort("its token refused as a replay on retry", this.seen.forget(token.getId()))
				.then(Mono.error(ex)))
			.flatMap((acted) -> {
				if (acted) {
					return Mono.empty();
				}
				this.throttledLog.replayed();
				return Mono.error(invalid(null));
			});
	}

	/**
	 * Ends the token's sessions. They are found, not taken: each leaves the registry only
	 * once it has ended, so that a retry after any failure finds those left. The logout
	 * is recorded in the same step, before the 200 that the IdP never follows with the
	 * token again: a login that registers after this look-up finds it and ends itself. A
	 * logout that cannot be recorded fails, and its 503 has the IdP retry it; one that
	 * cannot be recorded because Redis is full ends its sessions first
	 * ({@link #endUnrecorded}).
	 */
	private Mono<Void> endSessions(Jwt token) {
		return sessionsOf(token, issuedAt(token), this.registry::loggedOutSid, this.registry::loggedOutSub)
			.onErrorResume(RedisRefusals::isFull, (full) -> endUnrecorded(token, full))
			.flatMap(this::end);
	}

	/**
	 * Ends the token's sessions on a Redis that is full ({@code maxmemory} reached under
	 * {@code noeviction}), then fails with {@code full}. Such a Redis refuses the writes
	 * that record the logout (its jti, the logout kept for the logins under way) but
	 * serves the reads and deletes that end sessions, and an IdP that sends each logout
	 * once (Auth0, Keycloak) would otherwise leave them signed in, refresh tokens and
	 * all, until they idle out; the 503 has an IdP that retries do so, and the retry
	 * finds them gone. Without its jti recorded, the token may be a replay: only the
	 * sessions registered by the time it was issued end (give or take the clock skew
	 * tolerated between the IdP and us), never a login made since. A login under way when
	 * the logout came survives it, which is logged.
	 */
	private <T> Mono<T> endUnrecorded(Jwt token, Throwable full) {
		Instant registeredBy = issuedAt(token).plus(LogoutTokenValidator.CLOCK_SKEW);
		this.throttledLog.unrecorded();
		return sessionsOf(token, registeredBy, this.registry::findBySid, this.registry::findBySub).flatMap(this::end)
			.then(Mono.error(full));
	}

	/**
	 * The token's sessions, as {@code bySid} or {@code bySub} looks them up as of
	 * {@code at}: those of the IdP session it names ({@code sid}), or, when it names
	 * none, all of its user's.
	 */
	private static Mono<Set<SessionKey>> sessionsOf(Jwt token, Instant at, Lookup bySid, Lookup bySub) {
		String sid = token.getClaimAsString("sid");
		return (sid != null) ? bySid.find(sid, at) : bySub.find(token.getSubject(), at);
	}

	private Mono<Void> end(Set<SessionKey> keys) {
		return this.ender.endLoggedOut(keys)
			.then(Mono.fromRunnable(() -> log.info("back-channel logout ended {} session(s)", keys.size())));
	}

	private static Instant issuedAt(Jwt token) {
		return Objects.requireNonNull(token.getIssuedAt(), "iat is validated");
	}

	/** Best effort: the store that just failed may fail this too. */
	private static Mono<Void> bestEffort(String consequence, Mono<Void> step) {
		return step.onErrorResume((ex) -> {
			log.warn("back-channel logout: {} ({})", consequence, ex.getClass().getSimpleName());
			return Mono.empty();
		});
	}

	private Mono<ReactiveJwtDecoder> decoder() {
		ReactiveJwtDecoder existing = this.decoder.get();
		if (existing != null) {
			return Mono.just(existing);
		}
		return this.registrations.registration().map(this::createDecoder).map((created) -> {
			this.decoder.compareAndSet(null, created);
			return this.decoder.get();
		});
	}

	private ReactiveJwtDecoder createDecoder(ClientRegistration registration) {
		ThrottledJwkSource keys = new ThrottledJwkSource(this.webClient,
				registration.getProviderDetails().getJwkSetUri(), JWKS_MIN_REFETCH, JWKS_MAX_AGE,
				this.oidc.responseTimeout(), this.clock, this.timers);
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSource(keys)
			// The validator checks typ: Auth0 sends JWT, the spec recommends logout+jwt.
			.validateType(false)
			// The builder takes one algorithm; the key selector it would build, for
			// several.
			.jwtProcessorCustomizer((processor) -> processor.setJWSKeySelector(
					new JWSVerificationKeySelector<>(SignatureAlgorithms.ASYMMETRIC, new JWKSecurityContextJWKSet())))
			.build();
		decoder.setJwtValidator(LogoutTokenValidator.forClient(registration.getProviderDetails().getIssuerUri(),
				this.oidc.clientId(), this.clock));
		return decoder;
	}

	private static ProblemException invalid(@Nullable Throwable cause) {
		return new ProblemException(Problems.invalidLogoutToken(), cause);
	}

	private ProblemException unavailable(Throwable cause) {
		this.throttledLog.unprocessed(cause);
		return new ProblemException(Problems.upstreamUnavailable("identity provider or session store", RETRY_AFTER),
				cause);
	}

	/** A registry look-up of the sessions of one {@code sid} or {@code sub}. */
	private interface Lookup {

		Mono<Set<SessionKey>> find(String id, Instant at);

	}

}
