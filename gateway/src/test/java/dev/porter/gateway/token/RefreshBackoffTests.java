package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.porter.gateway.oidc.TokenRevoker;
import dev.porter.gateway.session.SharedSessions;
import dev.porter.gateway.session.LoginTokens;
import dev.porter.gateway.support.TestRegistrations;
import dev.porter.gateway.support.VirtualTimeClock;
import dev.porter.testsupport.ShiftableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.session.MapSession;
import org.springframework.session.Session;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TokenRefresher}'s failure policy in virtual time: Reactor's timers and the
 * refresher's {@link Clock} both read one {@link VirtualTimeScheduler}. The IdP is a
 * function that counts its calls.
 */
class RefreshBackoffTests {

	/**
	 * Virtual time starts now, as the tests' own token dates do.
	 */
	private Instant start;

	private static final Duration WAIT = Duration.ofSeconds(10);

	private VirtualTimeScheduler time;

	private final AtomicInteger idpCalls = new AtomicInteger();

	private Function<OAuth2RefreshTokenGrantRequest, Mono<OAuth2AccessTokenResponse>> idp;

	/** Virtual time, shifted when a test steps the wall clock back. */
	private ShiftableClock clock;

	private TokenRefresher refresher;

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private WebSession session;

	@BeforeEach
	void setUp() {
		this.start = Instant.now();
		this.time = VirtualTimeScheduler.getOrSet();
		this.clock = new ShiftableClock(new VirtualTimeClock(this.time, this.start));
		this.refresher = refresher(null);
		this.session = new InMemoryWebSessionStore().createWebSession().block();
		this.session.start();
	}

	/** A refresher on the sessions in memory, or on {@code shared} ones (Redis). */
	private TokenRefresher refresher(@Nullable SharedSessions shared) {
		ReactiveClientRegistrationRepository registrations = new InMemoryReactiveClientRegistrationRepository(
				TestRegistrations.gateway());
		DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
		if (shared != null) {
			beans.registerSingleton("sharedSessions", shared);
		}
		SessionTokens tokens = new SessionTokens(new SessionAuthorizedClientRepository(registrations, this.clock),
				beans.getBeanProvider(SharedSessions.class), registrations);
		TokenProperties properties = new TokenProperties(Duration.ofSeconds(60), WAIT, Duration.ofSeconds(30),
				Duration.ofSeconds(1), Duration.ofSeconds(8));
		// The IdP gets each refresh at once: no wait for a connection.
		IdpRefreshCall idp = new IdpRefreshCall((request) -> Mono.deferContextual((context) -> {
			SentCallTimeout.markSent(context);
			this.idpCalls.incrementAndGet();
			return this.idp.apply(request);
		}), properties.refreshTimeout(), IdpRefreshCallTests.NO_ID_TOKENS, this.clock);
		return new TokenRefresher(idp, tokens, RefreshLock.LOCAL, properties, new RefreshMetrics(this.meters),
				new TokenRevoker(WebClient.create()), (ended, login) -> Mono.just(false), this.clock, this.time);
	}

	@AfterEach
	void tearDown() {
		VirtualTimeScheduler.reset();
	}

	@Test
	void refreshWhenIdpFailsThenRetryAfterAndOneAttemptPerGrowingBackoffUpToTheCap() {
		store(client("at-0", "rt-0", now().minusSeconds(1)));
		this.idp = (request) -> Mono.error(unavailable());

		assertUnavailable(refresh(), 1);
		assertThat(this.idpCalls).hasValue(1);
		advance(Duration.ofMillis(500));
		assertUnavailable(refresh(), 1);
		assertThat(this.idpCalls).as("within the first backoff").hasValue(1);

		// Each attempt at the end of its backoff fails again: 2 s, 4 s, 8 s, then capped
		// at 8 s.
		long[] backoffs = { 2, 4, 8, 8 };
		Duration waited = Duration.ofMillis(500);
		for (int i = 0; i < backoffs.length; i++) {
			advance(waited);
			assertUnavailable(refresh(), backoffs[i]);
			assertThat(this.idpCalls).hasValue(i + 2);
			waited = Duration.ofSeconds(backoffs[i]);
			advance(waited.minusMillis(1));
			assertUnavailable(refresh(), 1);
			assertThat(this.idpCalls).as("1 ms before the end of backoff %d", i + 2).hasValue(i + 2);
			waited = Duration.ofMillis(1);
		}
	}

	/**
	 * A session's backoff ends at an instant on the wall clock: stepped back ten minutes
	 * (NTP, a VM restored), no refresh was tried for ten minutes, and every request whose
	 * token had expired got a 503 with a Retry-After of ten minutes.
	 */
	@Test
	void refreshWhenTheClockSteppedBackDuringABackoffThenAttemptedAgainOnceTheBackoffHasPassed() {
		store(client("at-0", "rt-0", now().minus(Duration.ofHours(1))));
		this.idp = (request) -> Mono.error(unavailable());
		assertUnavailable(refresh(), 1);

		this.clock.shift(Duration.ofMinutes(-10));
		advance(Duration.ofSeconds(1));
		this.idp = (request) -> Mono.just(response("at-1", "rt-1", 120));

		StepVerifier.create(refresh())
			.assertNext((client) -> assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-1"))
			.verifyComplete();
		assertThat(this.idpCalls).hasValue(2);
	}

	@Test
	void refreshWhenIdpRecoversThenFreshTokenAndBackoffStartsOverAtOneSecond() {
		store(client("at-0", "rt-0", now().minusSeconds(1)));
		this.idp = (request) -> Mono.error(unavailable());
		assertUnavailable(refresh(), 1);
		advance(Duration.ofSeconds(1));
		assertUnavailable(refresh(), 2);

		advance(Duration.ofSeconds(2));
		this.idp = (request) -> Mono.just(response("at-1", "rt-1", 120));
		StepVerifier.create(refresh())
			.assertNext((client) -> assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-1"))
			.verifyComplete();
		assertThat(stored().getRefreshToken().getTokenValue()).isEqualTo("rt-1");
		assertThat(SessionTokens.backoff(this.session)).isEqualTo(RefreshBackoff.NONE);

		// past the fresh token's expiry (dated on the refresher's clock)
		advance(Duration.between(now(), stored().getAccessToken().getExpiresAt()).plusSeconds(1));
		this.idp = (request) -> Mono.error(unavailable());
		assertUnavailable(refresh(), 1);
		assertThat(this.idpCalls).hasValue(4);
	}

	@Test
	void refreshWhenIdpFailsWhileAccessTokenStillValidThenRelaysItWithoutAnotherAttempt() {
		store(client("at-0", "rt-0", now().plusSeconds(30)));
		this.idp = (request) -> Mono.error(unavailable());

		StepVerifier.create(refresh()).assertNext((client) -> assertRelays(client, "at-0")).verifyComplete();
		advance(Duration.ofMillis(900));
		StepVerifier.create(refresh()).assertNext((client) -> assertRelays(client, "at-0")).verifyComplete();

		assertThat(this.idpCalls).hasValue(1);
	}

	@Test
	void refreshWhenIdpAnswersAfterTheRequestsGaveUpThenItsTokenIsStoredAndNotFetchedAgain() {
		store(client("at-0", "rt-0", now().minusSeconds(1)));
		AtomicInteger cancelled = new AtomicInteger();
		this.idp = (request) -> Mono.delay(Duration.ofSeconds(12), this.time)
			.map((ignored) -> response("at-1", "rt-1", 120))
			.doOnCancel(cancelled::incrementAndGet);

		Mono<OAuth2AuthorizedClient> first = refresh();
		Mono<OAuth2AuthorizedClient> second = refresh();
		StepVerifier.create(first)
			.then(() -> advance(WAIT))
			.expectErrorSatisfies((ex) -> assertThat(retryAfter(ex)).isEqualTo("1"))
			.verify(Duration.ofSeconds(5));
		StepVerifier.create(second)
			.then(() -> advance(Duration.ofSeconds(2)))
			.assertNext((client) -> assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-1"))
			.expectComplete()
			.verify(Duration.ofSeconds(5));

		assertThat(stored().getRefreshToken().getTokenValue()).isEqualTo("rt-1");
		assertThat(cancelled).as("the IdP call was never abandoned").hasValue(0);
		assertThat(this.idpCalls).hasValue(1);
	}

	@Test
	void refreshWhenIdpHangsAndAccessTokenStillValidThenRelaysItAtTheEndOfTheRequestsWait() {
		store(client("at-0", "rt-0", now().plusSeconds(30)));
		AtomicInteger cancelled = new AtomicInteger();
		this.idp = (request) -> Mono.<OAuth2AccessTokenResponse>never().doOnCancel(cancelled::incrementAndGet);

		AtomicReference<OAuth2AuthorizedClient> relayed = new AtomicReference<>();
		refresh().subscribe(relayed::set);
		advance(WAIT.minusMillis(1));
		assertThat(relayed).as("1 ms before TOKEN_REFRESH_WAIT the request still waits").hasNullValue();
		advance(Duration.ofMillis(1));
		assertThat(relayed.get()).isNotNull().satisfies((client) -> assertRelays(client, "at-0"));

		assertThat(cancelled).as("the IdP call goes on after the request stopped waiting").hasValue(0);
		assertThat(this.idpCalls).hasValue(1);
	}

	@Test
	void refreshWhenRefreshTokenRejectedThenSessionEndsWith401AndNoBackoff() {
		store(client("at-0", "rt-0", now().minusSeconds(1)));
		this.idp = (request) -> Mono
			.error(new OAuth2AuthorizationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT)));

		StepVerifier.create(refresh())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(SessionEnded.class)
				.extracting((error) -> ((SessionEnded) error).getStatusCode().value())
				.isEqualTo(401))
			.verify();
		assertThat(this.session.isExpired() || this.session.getAttributes().isEmpty()).isTrue();
	}

	// Redis failing for a moment (a failover) just as the IdP answered: the IdP has
	// rotated
	// the refresh token, so losing the answer leaves the session with a used refresh
	// token, and the next refresh would end it (Auth0's reuse detection).
	@Test
	void refreshWhenTheStoreFailsForAMomentThenTheRotatedTokensAreStoredOnceItIsBack() {
		OAuth2AuthorizedClient current = client("at-0", "rt-0", now().minusSeconds(1));
		store(current);
		FlakyStore store = new FlakyStore(current);
		this.refresher = refresher(store);
		this.idp = (request) -> Mono.just(response("at-1", "rt-1", 120));
		store.failNextWrites(3);

		StepVerifier.create(refresh())
			.then(() -> advance(Duration.ofSeconds(2)))
			.assertNext((client) -> assertRelays(client, "at-1"))
			.expectComplete()
			.verify(Duration.ofSeconds(5));

		assertThat(store.refreshToken()).isEqualTo("rt-1");
		assertThat(this.idpCalls).hasValue(1);
	}

	// A Redis failover can take longer than the 5 s the store was once tried for: the
	// session kept its used refresh token, and its next refresh tripped the IdP's reuse
	// detection (Auth0 without a reuse interval, Okta past its grace period, Hydra),
	// ending it with the token family revoked. The refresh holds its session's lock for
	// the whole lease, so nobody else presents that token meanwhile: the store is tried
	// as long as the lease lasts, less a margin.
	@Test
	void refreshWhenTheStoreIsDownLongerThanFiveSecondsButBackWithinTheLeaseThenTheRotatedTokensAreStored() {
		OAuth2AuthorizedClient current = client("at-0", "rt-0", now().minusSeconds(1));
		store(current);
		FlakyStore store = new FlakyStore(current);
		this.refresher = refresher(store);
		this.idp = (request) -> Mono.just(response("at-1", "rt-1", 120));
		store.failWritesUntil(now().plusSeconds(30));

		refresh().subscribe((client) -> {
		}, (ex) -> {
		});
		advance(Duration.ofSeconds(31));

		assertThat(store.refreshToken()).isEqualTo("rt-1");
		assertThat(this.idpCalls).hasValue(1);
		assertThat(unstored()).isZero();
	}

	// The waiting requests stop at TOKEN_REFRESH_WAIT as for any slow refresh; the store
	// is tried until the lease (55 s with a 30 s TOKEN_REFRESH_TIMEOUT) is 5 s from its
	// end, and then given up: logged, counted, and the session keeps its used token.
	@Test
	void refreshWhenTheStoreStaysDownThenTriedUntilTheLeaseIsAlmostOverAndThenGivenUp() {
		OAuth2AuthorizedClient current = client("at-0", "rt-0", now().minusSeconds(1));
		store(current);
		FlakyStore store = new FlakyStore(current);
		this.refresher = refresher(store);
		this.idp = (request) -> Mono.just(response("at-1", "rt-1", 120));
		store.failNextWrites(Integer.MAX_VALUE);
		Instant leaseTaken = now();

		StepVerifier.create(refresh())
			.then(() -> advance(WAIT))
			.expectErrorSatisfies((ex) -> assertThat(retryAfter(ex)).isEqualTo("1"))
			.verify(Duration.ofSeconds(5));
		advance(Duration.between(now(), leaseTaken.plusSeconds(45)));
		int writesAt45Seconds = store.writes();
		advance(Duration.ofMillis(4_900));
		assertThat(store.writes()).as("still trying 100 ms before the lease's margin").isGreaterThan(writesAt45Seconds);
		assertThat(unstored()).isZero();

		advance(Duration.ofMillis(100));
		int writesAtTheMargin = store.writes();
		advance(Duration.ofSeconds(60));
		assertThat(store.writes()).as("given up at the lease's margin").isEqualTo(writesAtTheMargin);
		assertThat(unstored()).isEqualTo(1);
		assertThat(store.refreshToken()).isEqualTo("rt-0");
		assertThat(this.idpCalls).hasValue(1);
	}

	/**
	 * Shared sessions ({@link SharedSessions}, Redis) holding this test's session, whose
	 * next writes fail as Redis's do while it is unreachable.
	 */
	private final class FlakyStore implements SharedSessions {

		private volatile MapSession stored;

		private final AtomicInteger failingWrites = new AtomicInteger();

		FlakyStore(OAuth2AuthorizedClient client) {
			MapSession session = new MapSession(RefreshBackoffTests.this.session.getId());
			session.setAttribute(LoginTokens.ATTRIBUTE, LoginTokens.of(client));
			this.stored = session;
		}

		private volatile Instant failingUntil = Instant.MIN;

		private final AtomicInteger writes = new AtomicInteger();

		void failNextWrites(int writes) {
			this.failingWrites.set(writes);
		}

		/** Every write fails until {@code until} on the refresher's clock. */
		void failWritesUntil(Instant until) {
			this.failingUntil = until;
		}

		/** How many writes were tried. */
		int writes() {
			return this.writes.get();
		}

		String refreshToken() {
			LoginTokens tokens = this.stored.getAttribute(LoginTokens.ATTRIBUTE);
			assertThat(tokens).isNotNull();
			return tokens.refreshToken();
		}

		@Override
		public Mono<MapSession> findCurrent(String id, Instant usedAt) {
			return Mono.fromSupplier(() -> new MapSession(this.stored));
		}

		@Override
		public Mono<Void> update(String id, Instant usedAt, Consumer<Session> change) {
			return Mono.defer(() -> {
				this.writes.incrementAndGet();
				if (this.failingWrites.getAndUpdate((n) -> Math.max(0, n - 1)) > 0
						|| RefreshBackoffTests.this.clock.instant().isBefore(this.failingUntil)) {
					return Mono.error(new RedisConnectionFailureException("Redis unreachable"));
				}
				MapSession changed = new MapSession(this.stored);
				change.accept(changed);
				this.stored = changed;
				return Mono.empty();
			});
		}

	}

	private double unstored() {
		return this.meters.get("porter.token.refreshes").tag("outcome", "unstored").counter().count();
	}

	private Mono<OAuth2AuthorizedClient> refresh() {
		ServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.session(this.session)
			.build();
		return this.refresher.refresh(exchange, stored());
	}

	private void assertUnavailable(Mono<OAuth2AuthorizedClient> refresh, long retryAfterSeconds) {
		StepVerifier.create(refresh)
			.expectErrorSatisfies(
					(ex) -> assertThat(retryAfter(ex)).as("Retry-After").isEqualTo(Long.toString(retryAfterSeconds)))
			.verify(Duration.ofSeconds(5));
	}

	private static String retryAfter(Throwable ex) {
		assertThat(ex).isInstanceOf(dev.porter.gateway.problem.ProblemException.class);
		dev.porter.gateway.problem.ProblemException problem = (dev.porter.gateway.problem.ProblemException) ex;
		assertThat(problem.getStatusCode().value()).isEqualTo(503);
		return problem.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
	}

	private static void assertRelays(OAuth2AuthorizedClient client, String accessToken) {
		assertThat(client.getAccessToken().getTokenValue()).isEqualTo(accessToken);
	}

	private void advance(Duration duration) {
		this.time.advanceTimeBy(duration);
	}

	private Instant now() {
		return this.start.plusMillis(this.time.now(TimeUnit.MILLISECONDS));
	}

	private void store(OAuth2AuthorizedClient client) {
		this.session.getAttributes().put(LoginTokens.ATTRIBUTE, LoginTokens.of(client));
	}

	private OAuth2AuthorizedClient stored() {
		return LoginTokens.in(this.session).toAuthorizedClient(TestRegistrations.gateway(), "auth0|alice");
	}

	private OAuth2AuthorizedClient client(String accessToken, String refreshToken, Instant expiresAt) {
		return new OAuth2AuthorizedClient(
				TestRegistrations.gateway(), "auth0|alice", new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
						accessToken, expiresAt.minusSeconds(300), expiresAt),
				new OAuth2RefreshToken(refreshToken, expiresAt.minusSeconds(300)));
	}

	private OAuth2AccessTokenResponse response(String accessToken, String refreshToken, long expiresIn) {
		return OAuth2AccessTokenResponse.withToken(accessToken)
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(expiresIn)
			.refreshToken(refreshToken)
			.build();
	}

	private static OAuth2AuthorizationException unavailable() {
		return new OAuth2AuthorizationException(new OAuth2Error("temporarily_unavailable"));
	}

}
