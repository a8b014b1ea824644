package dev.porter.profile.me;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.porter.profile.ProfileServiceApplication;
import dev.porter.profile.cache.InvalidationBus;
import dev.porter.profile.testsupport.Fixtures;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RedisServer;
import dev.porter.testsupport.SecuredRedisServer;
import dev.porter.testsupport.VanishingProxy;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the service (two application contexts) in front of the same Auth0
 * stand-in: a {@code PATCH} on one must not leave the other serving its cached profile,
 * with Redis; with Redis they spend one Management API budget; and without a reachable
 * Redis, both must still answer.
 */
@ExtendWith(OutputCaptureExtension.class)
class SharedCacheInvalidationTests {

	/** Between two reads of a poll: 40 a second at most. */
	private static final Duration READ_PACE = Duration.ofMillis(25);

	private static final Upstreams upstreams = Upstreams.instance();

	private static final JsonMapper mapper = JsonMapper.builder().build();

	/** Far below the 5-minute fresh-for TTL, far above a pub/sub round trip. */
	private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(5);

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	private String token;

	private @Nullable RedisServer redis;

	@BeforeEach
	void aliceAtAuth0() {
		upstreams.reset();
		this.token = TestJwts.mint(upstreams.issuer(), Upstreams.ALICE);
		upstreams.stubUser(this.token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded-patched.json"))));
	}

	@AfterEach
	void stopInstancesThenRedis() {
		this.instances.forEach(ConfigurableApplicationContext::close);
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void getMeWhenPatchedThroughOtherInstanceWithRedisThenOtherServesChangeAlthoughCached() throws Exception {
		this.redis = RedisServer.start();
		WebTestClient first = start(this.redis.url());
		WebTestClient second = start(this.redis.url());
		// before they read: a subscription once made revalidates what was read before it
		awaitListening(this.instances.get(0));
		awaitListening(this.instances.get(1));
		theme(first);
		theme(second);
		getMe(second).expectHeader().value("Cache-Status", (status) -> assertThat(status).contains("hit"));

		patchTheme(first).expectStatus().isOk();
		auth0NowHasPatchedUser();

		assertThat(firstThemeWithin(second, VISIBLE_WITHIN)).isEqualTo("dark");
		upstreams.management().verify(3, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	// A conditional PATCH that failed because another Auth0 client changed her (nothing
	// announced it): the client reads /me again, maybe on another instance, which must
	// not answer the version just refused for up to its fresh-for TTL.
	@Test
	void getMeWhenAConditionalPatchFailedOnOtherInstanceWithRedisThenOtherServesTheDirectorysVersion()
			throws Exception {
		this.redis = RedisServer.start();
		WebTestClient first = start(this.redis.url());
		WebTestClient second = start(this.redis.url());
		String read = getMe(first).expectBody().returnResult().getResponseHeaders().getETag();
		theme(second);
		awaitListening(this.instances.get(1));
		auth0NowHasPatchedUser();

		first.patch()
			.uri("/me/metadata")
			.headers((h) -> h.setBearerAuth(this.token))
			.header(HttpHeaders.IF_MATCH, read)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"theme\":\"light\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(412);

		assertThat(firstThemeWithin(second, VISIBLE_WITHIN)).isEqualTo("dark");
		upstreams.management().verify(0, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	/**
	 * The other instance's subscription is cut (Redis reset it, a failover) and cannot be
	 * made again for a while: alice's change through the first reaches nobody there. Its
	 * subscription comes back on its own, with nothing to say what it missed: it served
	 * her pre-PATCH profile as fresh until its fresh-for TTL (5 min) ended. Now it serves
	 * the cached copy once more, stale while it revalidates, then the change.
	 */
	@Test
	void getMeWhenPatchedThroughOtherInstanceWhileItsSubscriptionWasDownThenOtherServesChangeOnceBack()
			throws Exception {
		this.redis = RedisServer.start();
		try (VanishingProxy secondsRedis = VanishingProxy.to(this.redis.port())) {
			WebTestClient first = start(this.redis.url());
			WebTestClient second = start("redis://127.0.0.1:" + secondsRedis.port());
			awaitListening(this.instances.get(1));
			theme(second);
			getMe(second).expectHeader()
				.value("Cache-Status", (status) -> assertThat(status).as("fresh").matches(".*; hit; ttl=\\d+"));

			secondsRedis.pointTo(RedisServer.freePort());
			killSubscriptions(this.redis);
			patchTheme(first).expectStatus().isOk();
			auth0NowHasPatchedUser();
			secondsRedis.pointTo(this.redis.port());
			awaitHearing(this.instances.get(0), this.instances.get(1));

			getMe(second).expectHeader()
				.value("Cache-Status",
						(status) -> assertThat(status).as("served stale, revalidated").contains("ttl=-"));
			assertThat(firstThemeWithin(second, VISIBLE_WITHIN)).isEqualTo("dark");
		}
	}

	// REDIS_URL=rediss:// went out as plain TCP: the password in clear, and nothing at
	// all against a TLS-only port. The CA is trusted as an operator would, through the
	// JVM's trust store.
	@Test
	void getMeWhenPatchedThroughOtherInstanceWithRedissThenOtherServesChangeAlthoughCached() throws Exception {
		try (SecuredRedisServer tls = SecuredRedisServer.start("s3cret-" + System.nanoTime());
				TrustStore trusted = TrustStore.use(tls.trustStore())) {
			WebTestClient first = start(tls.url(), "--porter.redis.timeout=2s");
			WebTestClient second = start(tls.url(), "--porter.redis.timeout=2s");
			theme(first);
			theme(second);
			awaitListening(this.instances.get(1));

			patchTheme(first).expectStatus().isOk();
			auth0NowHasPatchedUser();

			assertThat(firstThemeWithin(second, VISIBLE_WITHIN)).isEqualTo("dark");
			this.instances.forEach(ConfigurableApplicationContext::close);
			this.instances.clear();
		}
	}

	// Auth0's Management API limit is the tenant's: two instances each holding the whole
	// budget sent twice it, and the 429s that followed counted on every breaker.
	@Test
	void patchWhenInstancesShareRedisThenTheyShareOneManagementApiBudget() throws Exception {
		this.redis = RedisServer.start();
		// a first PATCH on an instance reads the user, then writes: two calls
		String[] fourCallsAnHour = { "--porter.resilience.management.rate-limit-for-period=4",
				"--porter.resilience.management.rate-limit-period=1h",
				"--porter.resilience.management.rate-limit-wait=0s" };
		WebTestClient first = start(this.redis.url(), fourCallsAnHour);
		WebTestClient second = start(this.redis.url(), fourCallsAnHour);

		patchTheme(first).expectStatus().isOk();
		patchTheme(second).expectStatus().isOk();
		patchTheme(first).expectStatus().isEqualTo(503).expectHeader().exists(HttpHeaders.RETRY_AFTER);

		upstreams.management().verify(2, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void getMeWhenPatchedThroughOtherInstanceWithoutRedisThenOtherServesItsCacheUntilFreshForEnds() {
		WebTestClient first = start("");
		WebTestClient second = start("");
		theme(first);
		theme(second);

		patchTheme(first).expectStatus().isOk();
		auth0NowHasPatchedUser();

		assertThat(theme(first)).as("the writer serves its write-through").isEqualTo("dark");
		assertThat(theme(second)).as("documented: per-instance caches without REDIS_URL").isEmpty();
	}

	@Test
	void patchAndGetMeWhenRedisUnreachableThenReadyAndAnsweredAndOverallHealthDown() throws Exception {
		String nobody = "redis://127.0.0.1:" + RedisServer.freePort();
		WebTestClient first = start(nobody);
		WebTestClient second = start(nobody);
		first.get().uri("/readyz").exchange().expectStatus().isOk();
		second.get().uri("/readyz").exchange().expectStatus().isOk();
		WebTestClient operations = management(this.instances.get(0));
		operations.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
		operations.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("DOWN");
		theme(second);

		patchTheme(first).expectStatus().isOk().expectBody().jsonPath("$.user_metadata.theme").isEqualTo("dark");
		auth0NowHasPatchedUser();

		assertThat(theme(first)).isEqualTo("dark");
		assertThat(theme(second)).as("stale until its fresh-for TTL: the invalidation could not be sent").isEmpty();
	}

	// Boot's Redis indicator logged a stack trace on every /actuator/health while Redis
	// was down, and the bus a line on every resubscription (about 30 a minute).
	@Test
	void healthWhenRedisUnreachableThenNoStackTraceAndTheChannelLoggedUnavailableOnce(CapturedOutput output)
			throws Exception {
		start("redis://127.0.0.1:" + RedisServer.freePort());
		WebTestClient operations = management(this.instances.get(0));
		MeterRegistry meters = this.instances.get(0).getBean(MeterRegistry.class);
		for (int i = 0; i < 5; i++) {
			operations.get()
				.uri("/actuator/health")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectBody()
				.jsonPath("$.components.redis.status")
				.isEqualTo("DOWN");
		}
		Eventually.await("several subscriptions failed", Duration.ofSeconds(20),
				() -> meters.find("profile.cache.invalidations")
					.tag("outcome", "subscribe_failed")
					.counters()
					.stream()
					.mapToDouble(Counter::count)
					.sum() >= 4);

		assertThat(output.getOut()).doesNotContain("\tat ");
		assertThat(output.getOut().lines().filter((line) -> line.contains("channel unavailable"))).hasSize(1);
	}

	private WebTestClient start(String redisUrl, String... settings) {
		String issuer = upstreams.issuer();
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
				"--spring.main.banner-mode=off", "--porter.redis.url=" + redisUrl, "--porter.oidc.issuer-uri=" + issuer,
				"--porter.directory.auth0.base-uri=" + upstreams.managementUri(),
				"--porter.directory.auth0.token-uri=" + issuer + "oauth/token",
				"--porter.directory.auth0.client-id=porter-profile",
				"--porter.directory.auth0.client-secret=test-only-secret"));
		arguments.addAll(List.of(settings));
		ConfigurableApplicationContext context = new SpringApplication(ProfileServiceApplication.class,
				OwnReactorResources.class)
			.run(arguments.toArray(String[]::new));
		this.instances.add(context);
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return WebTestClient
			.bindToServer(new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())))
			.baseUrl("http://localhost:" + port)
			.responseTimeout(Duration.ofSeconds(20))
			.build();
	}

	/**
	 * Waits until the instance's subscription to the invalidation channel is live. It is
	 * made in the background once the instance has started, and Redis drops a message
	 * published before it: the other instance's change would go unheard, and this one
	 * would serve its cached copy. The instance's own heartbeat, published on a channel
	 * the same {@code SUBSCRIBE} named, coming back through it shows it is.
	 */
	private static void awaitListening(ConfigurableApplicationContext instance) {
		MeterRegistry meters = instance.getBean(MeterRegistry.class);
		Eventually.await("the instance hearing its own heartbeat on the invalidation channel", VISIBLE_WITHIN,
				() -> meters.find("profile.cache.invalidations")
					.tag("outcome", "heartbeat")
					.counters()
					.stream()
					.mapToDouble(Counter::count)
					.sum() >= 1);
	}

	/**
	 * Redis drops every subscriber's connection, as a restart or a failover does; their
	 * clients reconnect on their own.
	 */
	private static void killSubscriptions(RedisServer redis) {
		RedisClient client = RedisClient.create(redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			assertThat(connection.sync().clientKill(KillArgs.Builder.typePubsub())).as("subscribers cut").isPositive();
		}
		finally {
			client.shutdown();
		}
	}

	/**
	 * Announces a change of another user through {@code announcer} until {@code listener}
	 * hears it: its subscription is live again.
	 */
	private static void awaitHearing(ConfigurableApplicationContext announcer,
			ConfigurableApplicationContext listener) {
		InvalidationBus bus = announcer.getBean(InvalidationBus.class);
		MeterRegistry meters = listener.getBean(MeterRegistry.class);
		Eventually.await("the other instance hearing an announcement again", VISIBLE_WITHIN, () -> {
			bus.publish("auth0|someone-else").block();
			return meters.find("profile.cache.invalidations")
				.tag("outcome", "received")
				.counters()
				.stream()
				.mapToDouble(Counter::count)
				.sum() >= 1;
		});
	}

	/** The operators' port: overall health (with Redis) besides the probes. */
	private static WebTestClient management(ConfigurableApplicationContext context) {
		String port = context.getEnvironment().getProperty("local.management.port");
		return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
	}

	/** What Auth0 answers a read after the PATCH it confirmed. */
	private static void auth0NowHasPatchedUser() {
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded-patched.json"))));
	}

	private WebTestClient.ResponseSpec patchTheme(WebTestClient instance) {
		return instance.patch()
			.uri("/me/metadata")
			.headers((h) -> h.setBearerAuth(this.token))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"theme\":\"dark\"}")
			.exchange();
	}

	private WebTestClient.ResponseSpec getMe(WebTestClient instance) {
		return instance.get()
			.uri("/me")
			.headers((h) -> h.setBearerAuth(this.token))
			.header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.exchange()
			.expectStatus()
			.isOk();
	}

	/**
	 * alice's {@code user_metadata.theme} as the instance serves it; empty when unset.
	 */
	private String theme(WebTestClient instance) {
		String body = getMe(instance).expectBody(String.class).returnResult().getResponseBody();
		JsonNode theme = mapper.readTree(String.valueOf(body)).path("user_metadata").path("theme");
		return theme.isString() ? theme.asString() : "";
	}

	/**
	 * Reads until the theme shows or the deadline passes: the invalidation is
	 * asynchronous by nature (pub/sub), so "visible" means "within a bound". Paced below
	 * the caller's rate limit (50 a second), which a loop without pause passed on a fast
	 * machine and met with a 429.
	 */
	private String firstThemeWithin(WebTestClient instance, Duration bound) throws InterruptedException {
		long deadline = System.nanoTime() + bound.toNanos();
		String seen = theme(instance);
		while (!"dark".equals(seen) && System.nanoTime() < deadline) {
			Thread.sleep(READ_PACE.toMillis());
			seen = theme(instance);
		}
		return seen;
	}

	/** The JVM's trust store set to a file, and the previous one back on close. */
	private record TrustStore(Map<String, @Nullable String> saved) implements AutoCloseable {

		static TrustStore use(Path file) {
			Map<String, @Nullable String> saved = new HashMap<>();
			Map.of("javax.net.ssl.trustStore", file.toString(), "javax.net.ssl.trustStorePassword",
					SecuredRedisServer.TRUST_STORE_PASSWORD, "javax.net.ssl.trustStoreType", "PKCS12")
				.forEach((name, value) -> saved.put(name, System.setProperty(name, value)));
			return new TrustStore(saved);
		}

		@Override
		public void close() {
			this.saved.forEach((name, value) -> {
				if (value == null) {
					System.clearProperty(name);
				}
				else {
					System.setProperty(name, value);
				}
			});
		}

	}

	/**
	 * Each instance gets event loops of its own, so that closing it does not dispose
	 * Reactor's global ones, which the other test classes' shared application uses.
	 */
	@Configuration(proxyBeanMethods = false)
	static class OwnReactorResources {

		@Bean
		ReactorResourceFactory reactorResourceFactory() {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			return factory;
		}

	}

}
