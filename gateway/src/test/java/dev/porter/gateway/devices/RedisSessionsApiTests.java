package dev.porter.gateway.devices;

import java.time.Duration;
import java.util.UUID;

import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.support.Browser;
import dev.porter.testsupport.Eventually;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /bff/sessions} with two gateway instances sharing one Redis (a real
 * {@code redis-server}): a session signed in on one instance is listed and ended through
 * the other, and its directory keys go with it.
 */
@ExtendWith(SharedTwoGatewaysOnRedis.class)
class RedisSessionsApiTests {

	private static TwoGatewaysOnRedis instances;

	@BeforeAll
	static void instances(TwoGatewaysOnRedis shared) {
		instances = shared;
	}

	@BeforeEach
	void resetRequests() {
		TestIdp.instance().server().resetRequests();
	}

	@Test
	void deleteWhenSessionSignedInOnOtherInstanceThenListedAndEndedThroughThisOne() {
		String sub = "auth0|sessions-" + UUID.randomUUID();
		Browser phone = signIn(instances.first(), sub, "Phone/2.0");
		Browser laptop = signIn(instances.second(), sub, "Laptop/1.0");
		instances.awaitKept("the phone's session kept by the first instance",
				() -> phone.get("/bff/session").exchange().expectStatus().isOk());

		assertThat(SessionsApiTests.sessions(laptop)).extracting((session) -> session.get("user_agent"))
			.containsExactly("Laptop/1.0", "Phone/2.0");
		SessionsApiTests.delete(laptop, "/bff/sessions/" + SessionsApiTests.idOf(laptop, false))
			.expectStatus()
			.isNoContent();

		// The first instance may serve the phone's session from its near cache until
		// Redis's invalidation reaches it, a moment after the second one answered.
		Eventually.await("the phone's session ended on the first instance", Duration.ofSeconds(2),
				() -> phone.get("/bff/session")
					.exchange()
					.expectBody(String.class)
					.returnResult()
					.getResponseBody()
					.contains("\"authenticated\":false"));
		assertThat(SessionsApiTests.sessions(laptop)).singleElement()
			.satisfies((session) -> assertThat(session).containsEntry("user_agent", "Laptop/1.0"));
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + phone.tokens().refreshToken())));
		ReactiveStringRedisTemplate template = instances.first().getBean(ReactiveStringRedisTemplate.class);
		assertThat(template.hasKey("porter:sessions:entry:" + SessionKey.of(phone.sessionId()).value()).block())
			.isFalse();
		assertThat(template.hasKey("porter:sessions:entry:" + SessionKey.of(laptop.sessionId()).value()).block())
			.isTrue();
	}

	@Test
	void requestWhenSessionNotYetSeenByThisInstanceThenItsLastUseReachesRedis() {
		Browser phone = signIn(instances.first(), "auth0|sessions-" + UUID.randomUUID(), "Phone/2.0");
		ReactiveStringRedisTemplate template = instances.first().getBean(ReactiveStringRedisTemplate.class);
		String entry = "porter:sessions:entry:" + SessionKey.of(phone.sessionId()).value();
		template.opsForHash().put(entry, "seen", "1").block();
		long before = System.currentTimeMillis();

		client(instances.second()).get()
			.uri("/bff/session")
			.cookies((jar) -> phone.cookies().forEach(jar::add))
			.exchange()
			.expectStatus()
			.isOk();

		Object seen = template.opsForHash().get(entry, "seen").block();
		assertThat(Long.parseLong((String) seen)).isGreaterThanOrEqualTo(before);
		assertThat(template.getExpire(entry).block()).isPositive();
	}

	private static Browser signIn(ConfigurableApplicationContext instance, String sub, String userAgent) {
		return new Browser(TestClients.gateway(TwoGatewaysOnRedis.port(instance))
			.mutate()
			.defaultHeader(HttpHeaders.USER_AGENT, userAgent)
			.build()).login(sub, 3600);
	}

	private static WebTestClient client(ConfigurableApplicationContext instance) {
		return TestClients.gateway(TwoGatewaysOnRedis.port(instance));
	}

}
