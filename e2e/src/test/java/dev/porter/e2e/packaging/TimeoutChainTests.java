package dev.porter.e2e.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.porter.e2e.processes.Layout;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defaults of the two services' time limits, in the order they must keep: the gateway
 * waits for profile-service longer than profile-service lets a request run. The other way
 * round, a slow upstream ends in the gateway's own time-out, which counts against its
 * relay circuit for every user, instead of in profile-service's 503, which does not.
 */
class TimeoutChainTests {

	@Test
	void defaultsWhenShippedThenProfileServiceAnswersBeforeTheGatewayGivesUp() throws IOException {
		Duration requestDeadline = defaultOf("profile-service", "PROFILE_REQUEST_DEADLINE");
		Duration relayTimeout = defaultOf("gateway", "RELAY_RESPONSE_TIMEOUT");

		// a margin for the answer's way back and a busy event loop
		assertThat(requestDeadline.plusMillis(500)).isLessThanOrEqualTo(relayTimeout);
	}

	private static Duration defaultOf(String module, String variable) throws IOException {
		String yml = Files.readString(Layout.root().resolve(module).resolve("src/main/resources/application.yml"));
		Matcher setting = Pattern.compile("\\$\\{" + variable + ":(\\d+)(ms|s)}").matcher(yml);
		assertThat(setting.find()).as(module + " sets a default for " + variable).isTrue();
		long amount = Long.parseLong(setting.group(1));
		return "ms".equals(setting.group(2)) ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
	}

}
