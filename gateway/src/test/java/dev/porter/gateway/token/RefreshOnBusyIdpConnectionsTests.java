package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.porter.gateway.oidc.TokenRevoker;
import dev.porter.gateway.session.LoginTokens;
import dev.porter.gateway.session.SharedSessions;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.VirtualTimeClock;
import dev.porter.gateway.support.TestRegistrations;
import dev.porter.testsupport.HeldAnswer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refresh through an IdP client whose connections are all busy with other IdP calls (a
 * slow IdP, logins, revocations): the wait for a pooled connection must not count against
 * {@code TOKEN_REFRESH_TIMEOUT}. A refresh the IdP got is waited for that long from the
 * moment it was sent, or its rotated refresh token is lost and the next attempt trips the
 * IdP's reuse detection; one that cannot be sent in time fails before it is sent, and the
 * session keeps its refresh token.
 * <p>
 * The IdP is the {@link TestIdp}, reached over HTTP through a pool of one connection,
 * which a revocation the test holds at the IdP keeps busy. The gateway's timers
 * (Reactor's and the refresher's {@link Clock}) run on a {@link VirtualTimeScheduler}:
 * the test moves them past a bound while the held answer keeps the connection busy,
 * whatever the real time that takes.
 */
class RefreshOnBusyIdpConnectionsTests {

	private static final Duration WAIT = Duration.ofSeconds(2);

	/** Shorter than the send bound: a refresh may wait longer than this to be sent. */
	private static final Duration TIMEOUT = IdpRefreshCall.SEND_WITHIN.dividedBy(2);

	private final ConnectionProvider oneConnection = ConnectionProvider.builder("one-idp-connection")
		.maxConnections(1)
		.pendingAcquireTimeout(Duration.ofMinutes(1))
		.build();

	private final WebClient idpWebClient = WebClient.builder()
		.clientConnector(new ReactorClientHttpConnector(HttpClient.create(this.oneConnection)))
		.build();

	private final ClientRegistration registration = ClientRegistration
		.withClientRegistration(TestRegistrations.gateway())
		.tokenUri(TestIdp.instance().issuer() + "oauth/token")
		.build();

	private final String refreshToken = "rt-" + UUID.randomUUID();

	private final String rotated = "rt-rotated-" + UUID.randomUUID();

	private Instant start;

	private VirtualTimeScheduler time;

	private TokenRefresher refresher;

	private WebSession session;

	@BeforeEach
	void setUp() {
		this.start = Instant.now();
		this.time = VirtualTimeScheduler.getOrSet();
		this.refresher = refresher(TIMEOUT);
		this.session = new InMemoryWebSessionStore().createWebSession().block();
		this.session.start();
		Instant expired = this.start.minusSeconds(1);
		this.session.getAttributes()
			.put(LoginTokens.ATTRIBUTE,
					LoginTokens.of(new OAuth2AuthorizedClient(
							this.registration, "auth0|alice", new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
									"at-0", expired.minusSeconds(300), expired),
							new OAuth2RefreshToken(this.refreshToken, expired.minusSeconds(300)))));
		TestIdp.instance().stubSlowRefresh(this.refreshToken, this.rotated, Duration.ZERO);
	}

	private TokenRefresher refresher(Duration timeout) {
		Clock clock = new VirtualTimeClock(this.time, this.start);
		InMemoryReactiveClientRegistrationRepository registrations = new InMemoryReactiveClientRegistrationRepository(
				this.registration);
		SessionTokens tokens = new SessionTokens(new SessionAuthorizedClientRepository(registrations, clock),
				new DefaultListableBeanFactory().getBeanProvider(SharedSessions.class), registrations);
		TokenProperties properties = new TokenProperties(Duration.ofSeconds(60), WAIT, timeout, Duration.ofSeconds(1),
				Duration.ofSeconds(8));
		return new TokenRefresher(
				IdpRefreshCall.through(this.idpWebClient, timeout, IdpRefreshCallTests.NO_ID_TOKENS, clock), tokens,
				RefreshLock.LOCAL, properties, new RefreshMetrics(new SimpleMeterRegistry()),
				new TokenRevoker(this.idpWebClient), (ended, login) -> Mono.just(false), clock, this.time);
	}

	@AfterEach
	void tearDown() {
		TestIdp.instance().releaseAllHolds();
		VirtualTimeScheduler.reset();
		this.oneConnection.dispose();
	}

	// A slow IdP with every pooled connection busy: the refresh waited longer than
	// TOKEN_REFRESH_TIMEOUT for a connection, and the gateway gave up on it although the
	// IdP had not even got it yet, or had just rotated the token when the timer fired.
	@Test
	void refreshWhenItWaitedLongerThanTheTimeoutForAConnectionThenTheIdpsAnswerIsStored() throws Exception {
		HeldAnswer busy = holdTheOnlyConnection();
		StepVerifier.create(refresh())
			.then(() -> this.time.advanceTimeBy(TIMEOUT.plusSeconds(1)))
			.expectError(RefreshUnavailable.class)
			.verify(Duration.ofSeconds(10));
		Mono<Void> ended = this.refresher.refreshesEnded();

		busy.release();
		ended.block(Duration.ofSeconds(10));

		assertThat(storedRefreshToken()).isEqualTo(this.rotated);
		assertThat(SessionTokens.backoff(this.session)).isEqualTo(RefreshBackoff.NONE);
		assertThat(refreshesSent()).isEqualTo(1);
	}

	@Test
	void refreshWhenNoConnectionWithinTheSendBoundThenNeverSentAndTheSessionKeepsItsRefreshToken() throws Exception {
		HeldAnswer busy = holdTheOnlyConnection();
		StepVerifier.create(refresh())
			.then(() -> this.time.advanceTimeBy(WAIT))
			.expectError(RefreshUnavailable.class)
			.verify(Duration.ofSeconds(10));
		Mono<Void> ended = this.refresher.refreshesEnded();

		this.time.advanceTimeBy(IdpRefreshCall.SEND_WITHIN);
		ended.block(Duration.ofSeconds(10));
		busy.release();
		// A refresh still waiting for the connection would have it before this call.
		this.idpWebClient.get()
			.uri(TestIdp.instance().issuer() + ".well-known/openid-configuration")
			.retrieve()
			.toBodilessEntity()
			.block(Duration.ofSeconds(10));

		assertThat(refreshesSent()).isZero();
		assertThat(storedRefreshToken()).isEqualTo(this.refreshToken);
		assertThat(SessionTokens.backoff(this.session).failures()).isEqualTo(1);
	}

	// The send bound is no deadline for a refresh the IdP has: its answer is waited for
	// TOKEN_REFRESH_TIMEOUT from the send, however long the call has run.
	@Test
	void refreshWhenTheIdpHasItPastTheSendBoundThenItsAnswerIsWaitedForAndStored() throws Exception {
		Duration timeout = IdpRefreshCall.SEND_WITHIN.multipliedBy(2);
		this.refresher = refresher(timeout);
		HeldAnswer answer = TestIdp.instance().holdRefreshWith(this.refreshToken);
		refresh().onErrorResume(RefreshUnavailable.class, (ex) -> Mono.empty()).subscribe();
		answer.awaitReached();
		Mono<Void> ended = this.refresher.refreshesEnded();

		this.time.advanceTimeBy(timeout.minusSeconds(1));
		answer.release();
		ended.block(Duration.ofSeconds(10));

		assertThat(storedRefreshToken()).isEqualTo(this.rotated);
		assertThat(refreshesSent()).isEqualTo(1);
	}

	/**
	 * Another IdP call (a revocation) on the pool's one connection, its answer held at
	 * the IdP until the test releases it.
	 */
	private HeldAnswer holdTheOnlyConnection() throws Exception {
		String token = "rt-busy-" + UUID.randomUUID();
		HeldAnswer held = TestIdp.instance().holdRevocationOf(token);
		this.idpWebClient.post()
			.uri(TestIdp.instance().issuer() + "oauth/revoke")
			.body(BodyInserters.fromFormData("token", token))
			.retrieve()
			.toBodilessEntity()
			.toFuture();
		held.awaitReached();
		return held;
	}

	private Mono<OAuth2AuthorizedClient> refresh() {
		MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.session(this.session)
			.build();
		return this.refresher.refresh(exchange,
				LoginTokens.in(this.session).toAuthorizedClient(this.registration, "auth0|alice"));
	}

	private String storedRefreshToken() {
		return LoginTokens.in(this.session).refreshToken();
	}

	private int refreshesSent() {
		return TestIdp.instance()
			.server()
			.findAll(postRequestedFor(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("refresh_token=" + this.refreshToken)))
			.size();
	}

}
