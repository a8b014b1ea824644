package dev.porter.profile.testsupport;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.BeforeEach;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import dev.porter.profile.cache.CacheProperties;
import dev.porter.profile.directory.TestManagementTokens;
import dev.porter.profile.me.ProfileCaches;
import dev.porter.profile.upstream.UpstreamPolicy;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The service on a random port against {@link Upstreams}; every test class extending this
 * shares one context. Each test starts cold: stubs, caches, circuits and the M2M token
 * reset.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(ProfileServiceIntegrationTest.TestClock.class)
public abstract class ProfileServiceIntegrationTest {

	protected static final Upstreams upstreams = Upstreams.instance();

	@LocalServerPort
	protected int port;

	@Autowired
	protected FakeTicker ticker;

	@Autowired
	protected ProfileCaches caches;

	@Autowired
	@Qualifier("management")
	protected UpstreamPolicy management;

	@Autowired
	@Qualifier("userinfo")
	protected UpstreamPolicy userinfo;

	@Autowired
	protected CancelledRequests cancelledRequests;

	@Autowired
	private ApplicationContext context;

	@Autowired
	private CacheProperties cacheProperties;

	protected WebTestClient client;

	@DynamicPropertySource
	static void upstreamProperties(DynamicPropertyRegistry registry) {
		registry.add("porter.oidc.issuer-uri", upstreams::issuer);
		registry.add("porter.directory.auth0.base-uri", upstreams::managementUri);
		registry.add("porter.directory.auth0.token-uri", () -> upstreams.issuer() + "oauth/token");
		registry.add("porter.directory.auth0.client-id", () -> "porter-profile");
		registry.add("porter.directory.auth0.client-secret", () -> "test-only-secret");
		registry.add("porter.directory.app-metadata-allow-list", () -> "plan");
		registry.add("porter.api.caller-limit-for-period", () -> "100000");
		registry.add("porter.api.caller-upstream-limit-for-period",
				() -> "${porter.test.caller-upstream-limit-for-period:100000}");
		// longer than the upstreams' deadlines below, as start-up demands
		// (config.UpstreamDeadlines); RequestDeadlineTests shortens it
		registry.add("porter.api.request-deadline", () -> "${porter.test.request-deadline:13s}");
		for (String upstream : new String[] { "userinfo", "management" }) {
			String prefix = "porter.resilience." + upstream + ".";
			// Generous, for hundreds of concurrent callers on a busy machine. A test
			// class that needs a shorter limit sets porter.test.{upstream}.* with
			// @TestPropertySource: a subclass's @DynamicPropertySource cannot override
			// these, because Spring applies the superclass's last.
			registry.add(prefix + "deadline", () -> "${porter.test." + upstream + ".deadline:12s}");
			registry.add(prefix + "attempt-timeout", () -> "${porter.test." + upstream + ".attempt-timeout:6s}");
			// Fewer connections than stub threads: 200 simultaneous connects
			// would overflow the stub's accept backlog and stall on SYN
			// retransmits.
			registry.add(prefix + "max-connections", () -> "${porter.test." + upstream + ".max-connections:32}");
			registry.add(prefix + "initial-backoff", () -> "20ms");
			registry.add(prefix + "max-retry-wait", () -> "1s");
			registry.add(prefix + "minimum-calls", () -> "1000");
			registry.add(prefix + "sliding-window-size", () -> "1000");
			registry.add(prefix + "max-concurrent", () -> "1000");
			registry.add(prefix + "rate-limit-for-period",
					() -> "${porter.test." + upstream + ".rate-limit-for-period:100000}");
		}
	}

	@BeforeEach
	protected void coldStart() {
		// An answer a failed test left held would hold up the loads awaited below.
		upstreams.releaseHeldAnswers();
		// A load the previous test's caller cancelled (its other upstream failed first)
		// may still be on its way to a stub: let it land before the request journal is
		// reset, or it would count as this test's call.
		this.caches.clear().block(Duration.ofSeconds(20));
		upstreams.reset();
		this.management.circuitBreaker().reset();
		this.userinfo.circuitBreaker().reset();
		TestManagementTokens.forget(this.context);
		this.cancelledRequests.clear();
		// One connection per request: no pooled connection (nor the global
		// Reactor resources, which another test's application may dispose)
		// carries over between tests.
		this.client = WebTestClient
			.bindToServer(new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())))
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(Duration.ofSeconds(20))
			.build();
	}

	protected String issuer() {
		return upstreams.issuer();
	}

	/**
	 * Moves the caches' clock past the pause a failed load earns
	 * ({@code PROFILE_FAILED_LOAD_PAUSE}): the next read asks the upstream again.
	 */
	protected void pastTheFailedLoadPause() {
		this.ticker.advance(this.cacheProperties.failedLoadPause());
	}

	protected CircuitBreaker managementCircuit() {
		return this.management.circuitBreaker();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class TestClock {

		@Bean
		@Primary
		FakeTicker testTicker() {
			return new FakeTicker();
		}

		@Bean
		CancelledRequests cancelledRequests() {
			return new CancelledRequests();
		}

	}

	/** {@code GET /me} with {@code token} as the bearer. */
	protected WebTestClient.ResponseSpec getMe(String token) {
		return this.client.get().uri("/me").headers((h) -> h.setBearerAuth(token)).exchange();
	}

	/** {@code PATCH /me/metadata} of {@code body} as {@code application/json}. */
	protected WebTestClient.ResponseSpec patchMetadata(String token, String body) {
		return this.client.patch()
			.uri("/me/metadata")
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
			.bodyValue(body)
			.exchange();
	}

	/**
	 * Alice, her recorded userinfo and Management record stubbed and read once through
	 * {@code GET /me} (no theme in her metadata yet).
	 * @return her access token
	 */
	protected String aliceReadOnce() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.user_metadata.theme").doesNotExist();
		return token;
	}

}
