package dev.porter.gateway.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.porter.gateway.crypto.KeyRing;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.RedisMonitor;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.testsupport.ShiftableClock;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import dev.porter.testsupport.RedisServer;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.TestSessionKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a signed-in session leaves in a real Redis: no token in clear in any key, a small
 * value, and sessions that outlive a key rotation (restarts with
 * {@code SESSION_ENCRYPTION_KEYS} {@code K1}, then {@code K2,K1}, then {@code K2}). And
 * what a reader of Redis never learns: a session's id, the cookie value that is the
 * session's bearer credential, whether they scan the keys or watch the commands
 * ({@code MONITOR}) while sessions are used, listed and ended.
 */
@ExtendWith(SharedTwoGatewaysOnRedis.class)
class SessionsAtRestTests {

	/** The budget per signed-in session in Redis (issue 11), all its keys together. */
	private static final long SESSION_BUDGET_BYTES = 5 * 1024;

	private static final RedisScript<Long> MEMORY_USAGE = RedisScript
		.of("return redis.call('MEMORY', 'USAGE', KEYS[1], 'SAMPLES', '0')", Long.class);

	/** The key ring of the shared instances: the sessions' key before the rotation. */
	private static final String K1 = TestSessionKeys.SHARED;

	private static RedisServer redis;

	private static LettuceConnectionFactory connections;

	private static WireMockServer profile;

	/**
	 * The instance on key {@code K1} that every test signs in through: the first of the
	 * run's shared instances, whose configuration is the one these tests need.
	 */
	private static ConfigurableApplicationContext gateway;

	private static ShiftableClock clock;

	private final String k2 = TestSessionKeys.newKey();

	@BeforeAll
	static void connect(TwoGatewaysOnRedis shared) {
		redis = shared.redis();
		profile = shared.profile();
		gateway = shared.first();
		clock = shared.clock();
		connections = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(redis.url()));
		connections.afterPropertiesSet();
		connections.start();
	}

	@BeforeEach
	void stubProfile() {
		profile.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
	}

	@AfterEach
	void clockBack() {
		clock.reset();
	}

	@AfterAll
	static void disconnect() {
		if (connections != null) {
			connections.destroy();
		}
	}

	@Test
	void loginWhenRedisThenNoKeyHoldsAnyTokenInClearAndTheSessionFitsTheBudget() {
		Browser browser = new Browser(client(gateway)).login("auth0|alice", 3600);
		TestIdp.Tokens tokens = browser.tokens();

		List<String> secrets = new ArrayList<>(List.of(tokens.accessToken(), tokens.refreshToken(), tokens.idToken(),
				base64(tokens.accessToken()), base64(tokens.refreshToken())));
		secrets.addAll(List.of(tokens.idToken().split("\\.")));
		List<String> keys = keys();
		assertThat(keys).contains(EncryptedRedisSessionRepository.key(browser.sessionId()));
		for (String key : keys) {
			assertThat(values(key)).as("values of %s", key)
				.allSatisfy((value) -> assertThat(value).doesNotContain(secrets));
		}
		long bytes = keys.stream()
			.filter((key) -> key.contains(SessionKey.of(browser.sessionId()).value()) || key.contains(tokens.sid()))
			.mapToLong(SessionsAtRestTests::memoryUsage)
			.sum();
		assertThat(bytes).as("bytes in Redis for one signed-in session").isLessThanOrEqualTo(SESSION_BUDGET_BYTES);
	}

	/**
	 * A client's address is personal data, and the login budget is kept per address: a
	 * reader of Redis (a dump, {@code MONITOR}, {@code SCAN}) must not learn who signed
	 * in from where, next to the {@code sub} and time the device directory keeps.
	 */
	@Test
	void loginWhenRedisThenNoKeyOrValueNamesTheClientsAddress() {
		new Browser(client(gateway)).login("auth0|alice", 3600);

		List<String> keys = keys();
		assertThat(keys).as("the login budget's key").anyMatch((key) -> key.startsWith("porter:rate:login:"));
		assertThat(keys).as("keys").noneMatch((key) -> key.contains("127.0.0.1") || key.contains("::/64"));
		for (String key : keys) {
			assertThat(values(key)).as("values of %s", key)
				.allSatisfy((value) -> assertThat(value).doesNotContain("127.0.0.1"));
		}
	}

	/**
	 * The {@code /bff/sessions} directory is plain Redis hashes, the sessions sealed: a
	 * writer of Redis without the keys who files bob's session under alice must not let
	 * alice list it, nor end it (and revoke bob's refresh token) with "sign out other
	 * devices". The sealed session says whose it is.
	 */
	@Test
	void sessionsWhenAWriterOfRedisFiledAnotherUsersSessionUnderThisUserThenNeitherListedNorEnded() {
		String alice = "auth0|alice-" + UUID.randomUUID();
		Browser laptop = new Browser(client(gateway)).login(alice, 3600);
		Browser bob = new Browser(client(gateway)).login("auth0|bob-" + UUID.randomUUID(), 3600);
		String bobs = SessionKey.of(bob.sessionId()).value();
		ReactiveStringRedisTemplate strings = new ReactiveStringRedisTemplate(connections);
		strings.opsForHash().put("porter:sessions:entry:" + bobs, "sub", alice).block();
		strings.opsForSet().add("porter:sessions:user:" + alice, bobs).block();

		laptop.get("/bff/sessions")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.sessions.length()")
			.isEqualTo(1);
		laptop.method(HttpMethod.DELETE, "/bff/sessions?others=true")
			.header("X-XSRF-TOKEN", laptop.xsrf())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.ended")
			.isEqualTo(0);

		bob.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	@Test
	void restartWhenKeyRotatedThenOldSessionsLastUntilTheirKeyLeavesTheRing() {
		Browser old = new Browser(client(gateway)).login("auth0|alice", 3600);

		Browser fresh;
		try (ConfigurableApplicationContext rotated = start(this.k2 + "," + K1)) {
			Browser oldHere = old.on(client(rotated));
			oldHere.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
			oldHere.get("/me").exchange().expectStatus().isOk();
			fresh = new Browser(client(rotated)).login("auth0|bob", 3600);
			assertThat(KeyRing.parse(this.k2, "K2").knowsKeyOf(value(fresh.sessionId()))).isTrue();
		}

		try (ConfigurableApplicationContext retired = start(this.k2)) {
			old.on(client(retired))
				.get("/me")
				.exchange()
				.expectStatus()
				.isUnauthorized()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.login_url")
				.isEqualTo("/bff/login");
			old.on(client(retired))
				.get("/bff/session")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.authenticated")
				.isEqualTo(false);
			fresh.on(client(retired))
				.get("/bff/session")
				.exchange()
				.expectBody()
				.jsonPath("$.authenticated")
				.isEqualTo(true);
		}
	}

	/**
	 * A rolling deploy runs old and new key rings side by side. The new key put first at
	 * once seals sessions (at login, at each write-back) that the instances not yet
	 * updated cannot open: they sign those users out (the last step here). Made readable
	 * everywhere first ({@code K1,K2}), then put first ({@code K2,K1}), as the README
	 * says, no session is lost while both rings run.
	 */
	@Test
	void rollingRotationWhenTheNewKeyIsReadableEverywhereBeforeItSealsThenNoSessionIsLost() {
		try (ConfigurableApplicationContext readsNew = start(K1 + "," + this.k2);
				ConfigurableApplicationContext sealsNew = start(this.k2 + "," + K1)) {
			Browser alice = new Browser(client(sealsNew)).login("auth0|alice", 3600);
			Browser bob = new Browser(client(readsNew)).login("auth0|bob", 3600);
			assertThat(KeyRing.parse(this.k2, "K2").knowsKeyOf(value(alice.sessionId()))).isTrue();

			alice.on(client(readsNew)).get("/me").exchange().expectStatus().isOk();
			bob.on(client(sealsNew)).get("/me").exchange().expectStatus().isOk();
			alice.on(client(readsNew))
				.get("/bff/session")
				.exchange()
				.expectBody()
				.jsonPath("$.authenticated")
				.isEqualTo(true);

			alice.on(client(gateway))
				.get("/bff/session")
				.exchange()
				.expectBody()
				.jsonPath("$.authenticated")
				.isEqualTo(false);
		}
	}

	@Test
	void sessionWhenSignedInRefreshedAndListedThenNoKeyNorValueHoldsItsId() {
		Browser browser = new Browser(client(gateway)).login("auth0|alice", 30);
		TestIdp.instance().stubRefresh(browser.tokens().refreshToken(), "at-" + UUID.randomUUID());
		dueForRefresh();

		browser.get("/me").exchange().expectStatus().isOk();
		browser.get("/bff/sessions").exchange().expectStatus().isOk();

		TestIdp.instance().verifyRefreshes(1, browser.tokens().refreshToken());
		List<String> forms = formsOf(browser.sessionId());
		for (String key : keys()) {
			assertThat(key.toLowerCase(Locale.ROOT)).as("a key name").doesNotContain(forms);
			assertThat(values(key)).as("values of %s", key)
				.allSatisfy((value) -> assertThat(value.toLowerCase(Locale.ROOT)).doesNotContain(forms));
		}
	}

	@Test
	void sessionsWhenUsedListedAndEndedThenNoCommandRedisRunsNamesTheirIds() throws Exception {
		try (RedisMonitor monitor = RedisMonitor.attach(redis)) {
			Browser phone = new Browser(client(gateway)).login("auth0|alice", 3600);
			Browser laptop = new Browser(client(gateway)).login("auth0|alice", 30);
			TestIdp.instance().stubRefresh(laptop.tokens().refreshToken(), "at-" + UUID.randomUUID());
			dueForRefresh();

			laptop.get("/me").exchange().expectStatus().isOk();
			laptop.get("/bff/sessions").exchange().expectStatus().isOk();
			String xsrf = laptop.xsrf();
			laptop.method(HttpMethod.DELETE, "/bff/sessions?others=true")
				.header("X-XSRF-TOKEN", xsrf)
				.exchange()
				.expectStatus()
				.isOk();
			phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
			client(gateway).post()
				.uri("/bff/backchannel-logout")
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(BodyInserters.fromFormData("logout_token",
						TestIdp.instance().logoutToken(Map.of("sid", laptop.tokens().sid()))))
				.exchange()
				.expectStatus()
				.isOk();
			laptop.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);

			TestIdp.instance().verifyRefreshes(1, laptop.tokens().refreshToken());
			List<String> commands = monitor.commands();
			assertThat(commands).as("the sessions' own keys, their refresh lock and their ending were seen")
				.anySatisfy((command) -> assertThat(command).contains("\"porter:session:"))
				.anySatisfy((command) -> assertThat(command).contains("\"porter:refresh-lock:"))
				.anySatisfy((command) -> assertThat(command).startsWith("+").contains("\"DEL\""));
			List<String> forms = new ArrayList<>(formsOf(phone.sessionId()));
			forms.addAll(formsOf(laptop.sessionId()));
			assertThat(commands).allSatisfy(
					(command) -> assertThat(command.toLowerCase(Locale.ROOT)).as("a command").doesNotContain(forms));
		}
	}

	/** The session id as it could be written: as is, without dashes, base64, hex. */
	private static List<String> formsOf(String sessionId) {
		byte[] bytes = sessionId.getBytes(StandardCharsets.UTF_8);
		return List
			.of(sessionId, sessionId.replace("-", ""), Base64.getEncoder().withoutPadding().encodeToString(bytes),
					Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), HexFormat.of().formatHex(bytes))
			.stream()
			.map((form) -> form.toLowerCase(Locale.ROOT))
			.toList();
	}

	/** Past half the 30 s tokens' lifetime: due for a refresh, still valid. */
	private static void dueForRefresh() {
		clock.shift(Duration.ofSeconds(16));
	}

	private static ConfigurableApplicationContext start(String keys) {
		return GatewayInstances.startOnTestIdp("--porter.redis.url=" + redis.url(),
				"--porter.session.encryption-keys=" + keys, "--porter.login.rate-limit=100000",
				"--porter.relay.profile-service-uri=http://localhost:" + profile.port());
	}

	private static WebTestClient client(ConfigurableApplicationContext context) {
		return TestClients.gateway(((WebServerApplicationContext) context).getWebServer().getPort());
	}

	private static ReactiveRedisTemplate<String, byte[]> bytes() {
		return new ReactiveRedisTemplate<>(connections,
				RedisSerializationContext.<String, byte[]>newSerializationContext(RedisSerializer.string())
					.value(RedisSerializer.byteArray())
					.hashKey(RedisSerializer.byteArray())
					.hashValue(RedisSerializer.byteArray())
					.build());
	}

	private static List<String> keys() {
		return bytes().scan().collectList().block();
	}

	private static byte[] value(String sessionId) {
		return bytes().opsForValue().get(EncryptedRedisSessionRepository.key(sessionId)).block();
	}

	/** Every byte a key holds, whatever its type, as text to search. */
	private static List<String> values(String key) {
		ReactiveRedisTemplate<String, byte[]> redis = bytes();
		DataType type = redis.type(key).block();
		Flux<byte[]> values = switch (type) {
			case STRING -> redis.opsForValue().get(key).flux();
			case SET -> redis.opsForSet().members(key);
			case LIST -> redis.opsForList().range(key, 0, -1);
			case ZSET -> redis.opsForZSet().range(key, org.springframework.data.domain.Range.unbounded());
			case HASH -> redis.<byte[], byte[]>opsForHash()
				.entries(key)
				.flatMap((entry) -> Flux.just(entry.getKey(), entry.getValue()));
			// expired since it was listed (a login rate limit's window): it holds nothing
			case NONE -> Flux.empty();
			default -> Flux.error(new AssertionError("unexpected type " + type + " of " + key));
		};
		return values.map((bytes) -> new String(bytes, StandardCharsets.ISO_8859_1)).collectList().block();
	}

	private static long memoryUsage(String key) {
		return bytes().execute(MEMORY_USAGE, List.of(key)).next().switchIfEmpty(Mono.just(0L)).block();
	}

	private static String base64(String token) {
		return Base64.getEncoder().encodeToString(ByteBuffer.wrap(token.getBytes(StandardCharsets.UTF_8)).array());
	}

}
