package dev.porter.gateway.token;

import java.time.Duration;
import java.util.Map;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.TestSessionKeys;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import dev.porter.testsupport.HeldAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * An instance shut down (a rolling deploy) while a refresh it started is still waiting
 * for the IdP: the request that started it has already been answered, so nothing else
 * holds the instance up. The IdP rotates the refresh token when it answers; the session
 * must get the new one, or its next refresh presents a used token and the IdP's reuse
 * detection ends it.
 */
@ExtendWith(SharedTwoGatewaysOnRedis.class)
class ShutdownDuringRefreshTests {

	private static TwoGatewaysOnRedis instances;

	@BeforeAll
	static void instances(TwoGatewaysOnRedis shared) {
		instances = shared;
	}

	@AfterEach
	void clockAtRealTime() {
		instances.clock().reset();
		TestIdp.instance().releaseAllHolds();
	}

	@Test
	void closeWhenARefreshIsWaitingForTheIdpThenItsTokensAreStoredBeforeRedisCloses() throws Exception {
		instances.profile().stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		ConfigurableApplicationContext leaving = GatewayInstances.startOnTestIdp(instances.clock(),
				"--porter.redis.url=" + instances.redis().url(),
				"--porter.session.encryption-keys=" + TestSessionKeys.SHARED, "--porter.login.rate-limit=100000",
				"--porter.relay.profile-service-uri=http://localhost:" + instances.profile().port(),
				"--porter.token.refresh-wait=200ms");
		Browser browser;
		try {
			browser = new Browser(client(leaving)).login("auth0|alice", 30);
			// Past half the token's 30 s: due for a refresh, still valid.
			instances.clock().shift(Duration.ofSeconds(16));
			TestIdp.instance()
				.server()
				.stubFor(post(urlPathEqualTo("/oauth/token"))
					.withRequestBody(containing("refresh_token=" + browser.tokens().refreshToken()))
					.willReturn(okJson(TestIdp.json(Map.of("access_token", "at-while-leaving", "refresh_token",
							"rt-while-leaving", "token_type", "Bearer", "expires_in", 3600)))));
			HeldAnswer refresh = TestIdp.instance().holdRefreshWith(browser.tokens().refreshToken());

			// Answered with the still-valid token once the refresh wait is over; the
			// refresh itself stays at the IdP until the instance begins to shut down.
			browser.get("/me").exchange().expectStatus().isOk();
			refresh.awaitReached();
			leaving.addApplicationListener((ContextClosedEvent closing) -> refresh.release());
		}
		finally {
			leaving.close();
		}

		// The IdP would now refuse the used refresh token: only the stored new tokens
		// keep the session.
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("refresh_token=" + browser.tokens().refreshToken()))
				.willReturn(okJson(TestIdp.json(Map.of("error", "invalid_grant"))).withStatus(400)));
		client(instances.first()).get()
			.uri("/me")
			.cookies((jar) -> browser.cookies().forEach(jar::add))
			.exchange()
			.expectStatus()
			.isOk();
		instances.profile()
			.verify(getRequestedFor(urlPathEqualTo("/me")).withHeader(HttpHeaders.AUTHORIZATION,
					equalTo("Bearer at-while-leaving")));
	}

	private static WebTestClient client(ConfigurableApplicationContext instance) {
		return TestClients.gateway(TwoGatewaysOnRedis.port(instance));
	}

}
