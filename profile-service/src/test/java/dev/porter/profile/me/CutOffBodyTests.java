package dev.porter.profile.me;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.RawConnection;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code PATCH} whose sender leaves before its body is whole (an orderly close, or a
 * reset: a client killed, a gateway pod stopped mid-relay). Anyone holding a token for
 * the API could cause it in a loop, and each was a 500 (to no one) with an ERROR line and
 * its stack trace: the body is read before the controller runs, so the caller's rate
 * limit never applied either.
 */
@ExtendWith(OutputCaptureExtension.class)
class CutOffBodyTests extends ProfileServiceIntegrationTest {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	@Autowired
	private MeterRegistry meters;

	@ParameterizedTest(name = "{0} body, reset: {1}")
	@CsvSource({ "sized, false", "sized, true", "chunked, true" })
	void patchMetadataWhenTheCallerLeavesBeforeTheBodyIsWholeThenNothingAtErrorAndNothingSent(String framing,
			boolean reset, CapturedOutput output) {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		int outputStart = output.getAll().length();
		long before = patchesAnswered("400");

		RawConnection connection = RawConnection.open(this.port);
		connection.send("PATCH /me/metadata HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
				+ "\r\nContent-Type: application/json\r\n"
				+ ("sized".equals(framing) ? "Content-Length: 100\r\n\r\n{\"theme\":"
						: "Transfer-Encoding: chunked\r\n\r\n9\r\n{\"theme\":\r\n"));
		if (reset) {
			connection.reset();
		}
		else {
			connection.close();
		}
		Eventually.await("the cut-off PATCH answered 400", PATIENCE, () -> patchesAnswered("400") > before);

		String own = output.getAll().substring(outputStart);
		assertThat(own.lines().filter((line) -> line.contains(" ERROR "))).isEmpty();
		assertThat(own).doesNotContain("\tat ").doesNotContain("onErrorDropped");
		assertThat(upstreams.management().findAll(anyRequestedFor(anyUrl()))).isEmpty();
	}

	private long patchesAnswered(String status) {
		return this.meters.find("http.server.requests")
			.tags("method", "PATCH", "status", status)
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

}
