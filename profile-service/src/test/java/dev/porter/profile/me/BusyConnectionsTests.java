package dev.porter.profile.me;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClientRequest;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A change that gets none of the Management client's pooled connections in time was never
 * sent: it is retried, and its caller is not told it may have been applied. Test
 * settings: one Management connection, 2 s per attempt, 5 s deadline. The wait for a
 * connection was as long as the attempt, so the time limiter often ended it first, and a
 * change that never left was answered "may have been applied" and dropped her cached
 * profile; when the pool's own timeout came first, it was taken for a timeout all the
 * same.
 */
@TestPropertySource(properties = { "porter.test.management.max-connections=1",
		"porter.test.management.attempt-timeout=2s", "porter.test.management.deadline=5s" })
class BusyConnectionsTests extends ProfileServiceIntegrationTest {

	private static final String OCCUPANT_PATH = "/api/v2/users/occupant";

	@Autowired
	@Qualifier("managementWebClient")
	private WebClient managementWebClient;

	@Autowired
	private MeterRegistry meters;

	/** Alice's token, her profile read once and cached. */

	/**
	 * Another call on the Management client, which shares its pool, takes its one
	 * connection and keeps it: Auth0 holds the answer, and the call waits for it far
	 * longer than an attempt's timeout.
	 */
	private void occupyTheOnlyConnection() throws Exception {
		upstreams.management().stubFor(get(urlEqualTo(OCCUPANT_PATH)).willReturn(okJson("{}")));
		HeldAnswer occupant = upstreams.holdManagementAnswer(OCCUPANT_PATH, "");
		this.managementWebClient.get()
			.uri(upstreams.managementUri() + "users/occupant")
			.httpRequest(
					(request) -> request.<HttpClientRequest>getNativeRequest().responseTimeout(Duration.ofSeconds(30)))
			.retrieve()
			.toBodilessEntity()
			.onErrorComplete()
			.subscribe();
		occupant.awaitReached();
	}

	@Test
	void patchMetadataWhenNoManagementConnectionComesInTimeThenRetriedNeverSentAndNotToldItMayHaveBeenApplied()
			throws Exception {
		String token = aliceReadOnce();
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded-patched.json"))));
		occupyTheOnlyConnection();
		double retriedBefore = failedWithRetry();

		patchMetadata(token, "{\"theme\":\"dark\"}").expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/upstream-unavailable")
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).doesNotContain("applied", "send it again"));

		assertThat(failedWithRetry()).as("the change retried: it was never sent").isEqualTo(retriedBefore + 1);
		// nothing was changed: her cached profile still serves
		getMe(token).expectStatus()
			.isOk()
			.expectHeader()
			.valueMatches("Cache-Status", "profile-service; hit; ttl=\\d+");
		upstreams.releaseHeldAnswers();
		Eventually.await("the occupant answered", Duration.ofSeconds(10),
				() -> !upstreams.management().findAll(getRequestedFor(urlEqualTo(OCCUPANT_PATH))).isEmpty());
		upstreams.management().verify(0, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	/** Management calls that failed after their retries. */
	private double failedWithRetry() {
		return this.meters.get("resilience4j.retry.calls")
			.tags("name", "management", "kind", "failed_with_retry")
			.functionCounter()
			.count();
	}

}
