package dev.porter.profile.me;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upstream that fails after the request waiting for it was answered: its other
 * upstream failed first (the {@code zip} of {@code /userinfo} and the directory cancels
 * the other side), its deadline passed, its caller went away. The load goes on for the
 * cache and fails; nobody waits for that failure any more. Reactor logged it as a dropped
 * error, at ERROR with its stack trace, once per request during an outage, where README
 * promises such failures once a minute with a count and without stack traces.
 */
@ExtendWith(OutputCaptureExtension.class)
class LateUpstreamFailureLogTests extends ProfileServiceIntegrationTest {

	@Autowired
	private MeterRegistry meters;

	@Test
	void getMeWhenTheDirectoryFailsAfterTheCallerWasAnsweredThenNoDroppedErrorLogged(CapturedOutput output)
			throws Exception {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.idp().stubFor(get(urlEqualTo("/userinfo")).willReturn(Upstreams.status(503)));
		upstreams.management().stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(Upstreams.status(503)));
		HeldAnswer directory = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "");

		this.client.get().uri("/me").headers((h) -> h.setBearerAuth(token)).exchange().expectStatus().isEqualTo(503);
		directory.awaitReached();
		directory.release();

		// Caffeine drops a failed load once its outcome was handed to those waiting.
		Eventually.await("the failed directory load to leave the cache", Duration.ofSeconds(10),
				() -> this.meters.get("cache.size").tag("cache", "directory").gauge().value() == 0);
		assertThat(output.getAll()).doesNotContain("onErrorDropped").doesNotContain("\tat ");
	}

}
