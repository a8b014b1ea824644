package dev.porter.profile.me;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An attempt ended by the HTTP client's own response timeout rather than by the policy's
 * time limiter: it gets the limiter's rule, not retried, and a change's outcome unknown.
 * Both timers were as long (the attempt timeout), and whichever fired first decided; the
 * client's was taken for an outage and retried, so a change was sent to the Management
 * API twice and a read answered {@code 200} or {@code 503} by chance. Here the clients'
 * response timeout is shortened ({@link ShortResponseTimeout}) far below the limiter's 6
 * s, so that it is the client's that fires; Auth0 holds its answer to the first attempt
 * only (a retry would be answered at once) until the caller has hers.
 */
class ClientResponseTimeoutTests extends ProfileServiceIntegrationTest {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	/** Alice's token, her profile read once and cached. */

	@Test
	void patchMetadataWhenTheClientsResponseTimeoutEndsTheWriteThenSentOnceAndTheCallerToldItMayHaveBeenApplied() {
		String token = aliceReadOnce();
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded-patched.json"))));
		HeldAnswer write = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "user_metadata");

		patchMetadata(token, "{\"theme\":\"dark\"}").expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/upstream-unavailable")
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).contains("may have been applied").contains("send it again"));

		assertThat(write.reached()).as("the write reached Auth0").isDone();
		expectOnceAfterRelease(upstreams.management(), patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void getMeWhenTheClientsResponseTimeoutEndsTheDirectoryReadThenNotRetriedAndServiceUnavailable() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		HeldAnswer read = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "");

		expectUpstreamUnavailable(getMe(token));

		assertThat(read.reached()).as("the read reached Auth0").isDone();
		expectOnceAfterRelease(upstreams.management(), getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void getMeWhenTheClientsResponseTimeoutEndsTheUserinfoReadThenNotRetriedAndServiceUnavailable() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		HeldAnswer read = upstreams.holdIdpAnswer("/userinfo", "");

		expectUpstreamUnavailable(getMe(token));

		assertThat(read.reached()).as("the read reached the IdP").isDone();
		expectOnceAfterRelease(upstreams.idp(), getRequestedFor(urlEqualTo("/userinfo")));
	}

	private static void expectUpstreamUnavailable(WebTestClient.ResponseSpec response) {
		response.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/upstream-unavailable");
	}

	/**
	 * WireMock logs a request once it is answered: the held one only once released. A
	 * retry, answered at once, was logged before the caller got her answer.
	 */
	private static void expectOnceAfterRelease(WireMockServer server, RequestPatternBuilder request) {
		upstreams.releaseHeldAnswers();
		Eventually.await("the held request answered", PATIENCE, () -> !server.findAll(request).isEmpty());
		server.verify(1, request);
	}

	/**
	 * The service's own {@code /userinfo} and Management clients, their response timeout
	 * cut to a second: far below the time limiter's 6 s, it is always the client's that
	 * ends a held attempt.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class ShortResponseTimeout {

		private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(1);

		@Bean
		static BeanPostProcessor shortResponseTimeout() {
			return new BeanPostProcessor() {
				@Override
				public Object postProcessAfterInitialization(Object bean, String name) {
					if (bean instanceof WebClient client
							&& (name.equals("userinfoWebClient") || name.equals("managementWebClient"))) {
						return client.mutate()
							.clientConnector(
									new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())
										.responseTimeout(RESPONSE_TIMEOUT)))
							.build();
					}
					return bean;
				}
			};
		}

	}

}
