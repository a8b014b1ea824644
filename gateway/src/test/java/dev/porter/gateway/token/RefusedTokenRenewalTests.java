package dev.porter.gateway.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.porter.gateway.oidc.TokenRevoker;
import dev.porter.gateway.session.LoginTokens;
import dev.porter.gateway.session.SharedSessions;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.TestRegistrations;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TokenRelayFilter#renewRefused} against the session's one refresh at a time: a
 * request whose token the API refused meets the refresh of a token due for it, and an API
 * that refuses every token. The session's refresh lock counts the refreshes that took it
 * and holds the first one until the test lets it go.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusedTokenRenewalTests {

	private static final TestingAuthenticationToken ALICE = new TestingAuthenticationToken("auth0|alice", null);

	private final MovableClock clock = new MovableClock(Instant.now());

	private final AtomicInteger idpCalls = new AtomicInteger();

	/** Let go once a test emits it; open from then on. */
	private final Sinks.Empty<Void> lockReleased = Sinks.empty();

	private final AtomicInteger locks = new AtomicInteger();

	private final RefreshLock lock = new RefreshLock() {

		@Override
		public <T> Mono<T> whileHolding(String sessionId, Supplier<Mono<T>> refresh) {
			RefusedTokenRenewalTests.this.locks.incrementAndGet();
			return RefusedTokenRenewalTests.this.lockReleased.asMono().then(Mono.defer(refresh));
		}

	};

	private TokenRefresher refresher;

	private TokenRelayFilter relay;

	private WebSession session;

	@BeforeEach
	void setUp() {
		ReactiveClientRegistrationRepository registrations = new InMemoryReactiveClientRegistrationRepository(
				TestRegistrations.gateway());
		SessionTokens tokens = new SessionTokens(new SessionAuthorizedClientRepository(registrations, this.clock),
				new DefaultListableBeanFactory().getBeanProvider(SharedSessions.class), registrations);
		TokenProperties properties = new TokenProperties(Duration.ofSeconds(60), Duration.ofSeconds(10),
				Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(1));
		IdpRefreshCall idp = new IdpRefreshCall((request) -> Mono.deferContextual((context) -> {
			SentCallTimeout.markSent(context);
			int call = this.idpCalls.incrementAndGet();
			return Mono.just(OAuth2AccessTokenResponse.withToken("at-renewed-" + call)
				.tokenType(OAuth2AccessToken.TokenType.BEARER)
				.expiresIn(3600)
				.refreshToken("rt-renewed-" + call)
				.build());
		}), properties.refreshTimeout(), IdpRefreshCallTests.NO_ID_TOKENS, this.clock);
		this.refresher = new TokenRefresher(idp, tokens, this.lock, properties,
				new RefreshMetrics(new SimpleMeterRegistry()), new TokenRevoker(WebClient.create()),
				(ended, login) -> Mono.just(false), this.clock, Schedulers.parallel());
		this.relay = new TokenRelayFilter(tokens, this.refresher);
		this.session = new InMemoryWebSessionStore().createWebSession().block();
		this.session.start();
	}

	/**
	 * Request A, holding a copy of the session from before another request refreshed it,
	 * starts a refresh of its token, due by then, and finds the stored one fresh. Request
	 * B, relayed with that fresh token, has it refused, and joins A's refresh while it
	 * waits for the lock: it got back the token it was refused with, and the API's 401
	 * was relayed as if its refusal stood (no {@code login_url}, no renewal) though the
	 * token had never been renewed on a refusal.
	 */
	@Test
	void renewRefusedWhenItJoinsTheRefreshOfADueTokenThatFindsTheRefusedOneFreshThenAskedAgainAndRenewed()
			throws Exception {
		Instant now = this.clock.instant();
		store(new LoginTokens("at-fresh", now, now.plus(Duration.ofHours(1)), Set.of(), "rt-fresh"));
		OAuth2AuthorizedClient stale = client("at-due", "rt-due", now.plusSeconds(30));

		CompletableFuture<OAuth2AuthorizedClient> requestA = this.refresher.refresh(exchange(), stale).toFuture();
		MockServerWebExchange requestB = exchange();
		RelayedToken.relay(requestB, "at-fresh");
		CompletableFuture<Boolean> renewed = this.relay.renewRefused(requestB).toFuture();
		this.lockReleased.tryEmitEmpty();

		assertThat(requestA.get(5, TimeUnit.SECONDS).getAccessToken().getTokenValue()).isEqualTo("at-fresh");
		assertThat(renewed.get(5, TimeUnit.SECONDS)).as("renewed").isTrue();
		assertThat(RelayedToken.token(requestB)).isEqualTo("at-renewed-1");
		assertThat(this.idpCalls).hasValue(1);
	}

	/**
	 * An API that refuses every token (profile-service expecting another
	 * {@code API_AUDIENCE}): once the token renewed on a refusal is refused too, each
	 * request's refusal stands without the session's refresh lock (with Redis a
	 * {@code SET NX}, a read of the session and the release's {@code EVAL}, and a queue
	 * of the session's requests across the instances), and the operator is told, once a
	 * minute, with a count.
	 */
	@Test
	void renewRefusedWhenTheTokenRenewedOnARefusalIsRefusedTooThenStandsWithoutTheLockAndWarnsOnceAMinute(
			CapturedOutput output) throws Exception {
		Instant now = this.clock.instant();
		store(new LoginTokens("at-first", now, now.plus(Duration.ofHours(1)), Set.of(), "rt-first"));
		this.lockReleased.tryEmitEmpty();
		assertThat(renewRefused("at-first")).isTrue();
		assertThat(this.locks).hasValue(1);

		for (int i = 0; i < 3; i++) {
			assertThat(renewRefused("at-renewed-1")).as("renewed").isFalse();
		}

		assertThat(this.locks).as("refreshes that took the lock").hasValue(1);
		assertThat(this.idpCalls).hasValue(1);
		assertThat(output.getOut().lines().filter((line) -> line.contains("renewed on its refusal"))).singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN", "API_AUDIENCE", "1 since the last report"));
		this.clock.advance(Duration.ofMinutes(1));
		assertThat(renewRefused("at-renewed-1")).isFalse();
		assertThat(output.getOut().lines().filter((line) -> line.contains("renewed on its refusal"))).last()
			.satisfies((line) -> assertThat(line).contains("3 since the last report"));
		assertThat(output.getAll()).doesNotContain("at-renewed-1", "rt-renewed-1");
	}

	private boolean renewRefused(String refused) throws Exception {
		MockServerWebExchange exchange = exchange();
		RelayedToken.relay(exchange, refused);
		return this.relay.renewRefused(exchange).toFuture().get(5, TimeUnit.SECONDS);
	}

	private MockServerWebExchange exchange() {
		return MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.session(this.session)
			.principal(ALICE)
			.build();
	}

	private void store(LoginTokens tokens) {
		this.session.getAttributes().put(LoginTokens.ATTRIBUTE, tokens);
	}

	private static OAuth2AuthorizedClient client(String accessToken, String refreshToken, Instant expiresAt) {
		return new OAuth2AuthorizedClient(
				TestRegistrations.gateway(), "auth0|alice", new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
						accessToken, expiresAt.minusSeconds(300), expiresAt),
				new OAuth2RefreshToken(refreshToken, expiresAt.minusSeconds(300)));
	}

}
