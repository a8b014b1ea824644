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
 * relay circuit for every user, instead of in profile-service's 503, which does not. And
 * the gateway's relay lets go of an idle connection before profile-service closes it.
 */
class TimeoutChainTests {

	@Test
	void defaultsWhenShippedThenProfileServiceAnswersBeforeTheGatewayGivesUp() throws IOException {
		Duration requestDeadline = defaultOf("profile-service", "PROFILE_REQUEST_DEADLINE");
		Duration relayTimeout = defaultOf("gateway", "RELAY_RESPONSE_TIMEOUT");

		// a margin for the answer's way back and a busy event loop
		assertThat(requestDeadline.plusMillis(500)).isLessThanOrEqualTo(relayTimeout);
	}

	// The other way round, profile-service could close a pooled connection just as the
	// relay sends a request on it: a 503 for that user, and a failure on the relay
	// circuit.
	@Test
	void defaultsWhenShippedThenTheGatewayLetsAnIdleRelayConnectionGoBeforeProfileServiceCloses() throws IOException {
		Duration poolIdle = durationOf("gateway", "pool\\.max-idle-time: ");
		Duration connectionIdle = defaultOf("profile-service", "CONNECTION_IDLE_TIMEOUT");

		// a margin for a request sent on a connection just short of the pool's limit
		assertThat(poolIdle.plusSeconds(5)).isLessThanOrEqualTo(connectionIdle);
	}

	private static Duration defaultOf(String module, String variable) throws IOException {
		return durationOf(module, "\\$\\{" + variable + ":");
	}

	/**
	 * The duration written right after {@code before} in the module's application.yml.
	 */
	private static Duration durationOf(String module, String before) throws IOException {
		String yml = Files.readString(Layout.root().resolve(module).resolve("src/main/resources/application.yml"));
		Matcher setting = Pattern.compile(before + "(\\d+)(ms|s)\\b").matcher(yml);
		assertThat(setting.find()).as(module + " sets " + before).isTrue();
		long amount = Long.parseLong(setting.group(1));
		return "ms".equals(setting.group(2)) ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
	}

}
