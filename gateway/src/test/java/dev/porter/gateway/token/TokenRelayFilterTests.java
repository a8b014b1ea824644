package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.porter.gateway.oidc.TokenRevoker;
import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.session.LoginTokens;
import dev.porter.gateway.session.SharedSessions;
import dev.porter.gateway.support.FilterHarness;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.TestRegistrations;
import org.junit.jupiter.api.Test;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What the relay sends the API in place of the browser's credentials, and that it sends
 * nothing without a token.
 */
class TokenRelayFilterTests {

	private static final TestingAuthenticationToken ALICE = new TestingAuthenticationToken("auth0|alice", null);

	private final FilterHarness.Recording chain = FilterHarness.recording();

	private final AtomicInteger idpCalls = new AtomicInteger();

	/** An IdP that counts the calls it gets and answers none. */
	private final WebClient idp = WebClient.builder().exchangeFunction((request) -> {
		this.idpCalls.incrementAndGet();
		return Mono.error(new IllegalStateException("the IdP was called"));
	}).build();

	@Test
	void filterWhenSessionHoldsTokenThenItsBearerIsWhatTheUpstreamCallSends() {
		TokenRelayFilter filter = new TokenRelayFilter(
				(exchange, authentication) -> Mono.just("at-" + authentication.getName()));
		MockServerWebExchange exchange = MockServerWebExchange
			.builder(MockServerHttpRequest.patch("/me/metadata")
				.header(HttpHeaders.AUTHORIZATION, "Basic YnJvd3Nlcjpvd24=")
				.header(HttpHeaders.ACCEPT, "application/json"))
			.principal(ALICE)
			.build();

		filter.filter(exchange, this.chain).block();

		assertThat(RelayedToken.authorization(this.chain.exchange())).hasToString("Bearer at-auth0|alice");
		// The browser's own credentials are left to the upstream call to drop
		// (UpstreamCallTests, RelayTests): the request is passed on as it came.
		assertThat(this.chain.exchange()).isSameAs(exchange);
	}

	// A new instance during an IdP outage has no discovery document, yet the sessions it
	// gets from Redis hold tokens valid for hours: relaying one needs nothing of the IdP.
	@Test
	void filterWhenTokenFreshAndDiscoveryFailsThenRelaysItWithoutAskingTheIdp() {
		Instant now = Instant.now();
		MockServerWebExchange exchange = signedInWith(
				new LoginTokens("at-fresh", now, now.plus(Duration.ofHours(1)), Set.of(), "rt"));

		idpDownFilter().filter(exchange, this.chain).block();

		assertThat(RelayedToken.authorization(this.chain.exchange())).hasToString("Bearer at-fresh");
	}

	// Due for a refresh but still valid: the refresh cannot start without discovery, and
	// the token is relayed as it is, as after a failed refresh.
	@Test
	void filterWhenTokenDueButStillValidAndDiscoveryFailsThenRelaysItWithoutAskingTheIdp() {
		Instant now = Instant.now();
		MockServerWebExchange exchange = signedInWith(
				new LoginTokens("at-due", now.minus(Duration.ofHours(1)), now.plusSeconds(30), Set.of(), "rt"));

		idpDownFilter().filter(exchange, this.chain).block();

		assertThat(RelayedToken.authorization(this.chain.exchange())).hasToString("Bearer at-due");
	}

	@Test
	void filterWhenTokenExpiredAndDiscoveryFailsThenServiceUnavailableAndNothingRelayed() {
		Instant now = Instant.now();
		MockServerWebExchange exchange = signedInWith(
				new LoginTokens("at-old", now.minus(Duration.ofHours(1)), now.minusSeconds(1), Set.of(), "rt"));

		ProblemException refused = catchThrowableOfType(ProblemException.class,
				() -> idpDownFilter().filter(exchange, this.chain).block());

		assertThat(refused.getStatusCode().value()).isEqualTo(503);
		assertThat(this.chain.wasCalled()).isFalse();
	}

	// Discovery answered 200 with no document: no client, no error, and an expired token
	// must not be relayed for want of one.
	@Test
	void filterWhenTokenExpiredAndNoClientCanBeBuiltThenNothingRelayed() {
		Instant now = Instant.now();
		MockServerWebExchange exchange = signedInWith(
				new LoginTokens("at-old", now.minus(Duration.ofHours(1)), now.minusSeconds(1), Set.of(), "rt"));

		Throwable refused = catchThrowable(() -> filter((id) -> Mono.empty()).filter(exchange, this.chain).block());

		assertThat(refused).isInstanceOf(ProblemException.class);
		assertThat(this.chain.wasCalled()).isFalse();
	}

	// An API without Auth0's "Allow Offline Access", offline_access not granted, Google:
	// the login gave no refresh token, and the one the session holds serves until it
	// expires.
	@Test
	void filterWhenNoRefreshTokenAndTokenDueButStillValidThenRelaysItWithoutAskingTheIdp() {
		Instant now = Instant.now();
		MockServerWebExchange exchange = signedInWith(
				new LoginTokens("at-due", now.minus(Duration.ofHours(1)), now.plusSeconds(30), Set.of(), null));

		filter((id) -> Mono.just(TestRegistrations.gateway()), this.idp).filter(exchange, this.chain).block();

		assertThat(RelayedToken.authorization(this.chain.exchange())).hasToString("Bearer at-due");
		assertThat(exchange.getSession().block().isExpired()).isFalse();
		assertThat(this.idpCalls).hasValue(0);
	}

	@Test
	void filterWhenNoRefreshTokenAndTokenExpiredThenSessionEndedWithoutAskingTheIdp() {
		Instant now = Instant.now();
		MockServerWebExchange exchange = signedInWith(
				new LoginTokens("at-old", now.minus(Duration.ofHours(1)), now.minusSeconds(1), Set.of(), null));

		ProblemException refused = catchThrowableOfType(ProblemException.class,
				() -> filter((id) -> Mono.just(TestRegistrations.gateway()), this.idp).filter(exchange, this.chain)
					.block());

		assertThat(refused.getStatusCode().value()).isEqualTo(401);
		assertThat(refused.getBody().getType().toString()).endsWith("/login-required");
		assertThat(exchange.getSession().block().isExpired()).isTrue();
		assertThat(this.chain.wasCalled()).isFalse();
		assertThat(this.idpCalls).hasValue(0);
	}

	// Valid when the request came, expired by the time its refresh failed: the refresher
	// answered 503, and the relay sent the expired token to the API all the same.
	@Test
	void filterWhenTheTokenExpiresWhileItsRefreshFailsThenServiceUnavailableAndNothingRelayed() {
		MovableClock clock = new MovableClock(Instant.now());
		Instant now = clock.instant();
		MockServerWebExchange exchange = signedInWith(
				new LoginTokens("at-due", now.minus(Duration.ofHours(1)), now.plusSeconds(30), Set.of(), "rt"));
		WebClient failingWhileTheTokenExpires = WebClient.builder().exchangeFunction((request) -> {
			clock.advance(Duration.ofSeconds(31));
			return Mono.error(new IllegalStateException("the IdP failed"));
		}).build();

		ProblemException refused = catchThrowableOfType(ProblemException.class,
				() -> filter((id) -> Mono.just(TestRegistrations.gateway()), failingWhileTheTokenExpires, clock)
					.filter(exchange, this.chain)
					.block());

		assertThat(refused).isNotNull();
		assertThat(refused.getStatusCode().value()).isEqualTo(503);
		assertThat(refused.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(this.chain.wasCalled()).isFalse();
	}

	/** The real filter, on an IdP whose discovery document cannot be fetched. */
	private static TokenRelayFilter idpDownFilter() {
		return filter((id) -> Mono.error(new ProblemException(Problems.identityProviderUnavailable(), null)));
	}

	/** The real filter, its client registration found in {@code registrations}. */
	private static TokenRelayFilter filter(ReactiveClientRegistrationRepository registrations) {
		return filter(registrations, WebClient.create());
	}

	private static TokenRelayFilter filter(ReactiveClientRegistrationRepository registrations, WebClient idp) {
		return filter(registrations, idp, Clock.systemUTC());
	}

	private static TokenRelayFilter filter(ReactiveClientRegistrationRepository registrations, WebClient idp,
			Clock clock) {
		SessionTokens tokens = new SessionTokens(new SessionAuthorizedClientRepository(registrations, clock),
				new DefaultListableBeanFactory().getBeanProvider(SharedSessions.class), registrations);
		TokenProperties properties = new TokenProperties(Duration.ofSeconds(60), Duration.ofSeconds(10),
				Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(1));
		TokenRefresher refresher = new TokenRefresher(
				IdpRefreshCall.through(idp, Duration.ofSeconds(1), IdpRefreshCallTests.NO_ID_TOKENS, clock), tokens,
				RefreshLock.LOCAL, properties, new RefreshMetrics(new SimpleMeterRegistry()),
				new TokenRevoker(WebClient.create()), (ended, login) -> Mono.just(false), clock, Schedulers.parallel());
		return new TokenRelayFilter(tokens, refresher);
	}

	private static MockServerWebExchange signedInWith(LoginTokens loginTokens) {
		WebSession session = new InMemoryWebSessionStore().createWebSession().block();
		session.getAttributes().put(LoginTokens.ATTRIBUTE, loginTokens);
		return MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.session(session)
			.principal(ALICE)
			.build();
	}

	@Test
	void filterWhenNoTokenRelayedThenTheUpstreamCallHasNoneToSend() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/me").header(HttpHeaders.AUTHORIZATION, "Bearer from-the-browser"));

		assertThat(RelayedToken.authorization(exchange)).isNull();
	}

	@Test
	void filterWhenSessionHoldsNoTokenThenLoginRequiredAndNothingRelayed() {
		TokenRelayFilter filter = new TokenRelayFilter((exchange, authentication) -> Mono.empty());
		MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.principal(ALICE)
			.build();

		ProblemException refused = catchThrowableOfType(ProblemException.class,
				() -> filter.filter(exchange, this.chain).block());

		assertThat(refused.getStatusCode().value()).isEqualTo(401);
		assertThat(refused.getBody().getType().toString()).endsWith("/login-required");
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenNotSignedInThenLoginRequiredWithoutAskingForAToken() {
		TokenRelayFilter filter = new TokenRelayFilter((exchange, authentication) -> {
			throw new AssertionError("no token to look up without a sign-in");
		});
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));

		ProblemException refused = catchThrowableOfType(ProblemException.class,
				() -> filter.filter(exchange, this.chain).block());

		assertThat(refused.getStatusCode().value()).isEqualTo(401);
		assertThat(this.chain.wasCalled()).isFalse();
	}

}
