package dev.porter.gateway.logout;

import java.net.ConnectException;
import java.time.Instant;
import java.util.List;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the back-channel logout's throttled log tells an operator while anyone floods the
 * endpoint: each reason has its own line per interval, so that a flood of one hides no
 * other, and the reasons are a fixed set, so that no one can make a line (and a counter
 * in memory) of their own per request.
 */
@ExtendWith(OutputCaptureExtension.class)
class BackchannelLogoutLogTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));

	private final BackchannelLogoutLog log = new BackchannelLogoutLog(this.clock);

	// Forged tokens naming made-up kids fill the slots waiting for the IdP's keys: each
	// extra one is a 503. Meanwhile Redis fails the IdP's genuine logouts, which the IdP
	// retries in vain: the once-a-minute line was the flood's, and Redis went unseen.
	@Test
	void unprocessedWhenFloodedWithOneFailureThenAnotherWithinTheIntervalIsLoggedToo(CapturedOutput output) {
		for (int i = 0; i < 100; i++) {
			this.log.unprocessed(new IllegalStateException("Could not obtain the keys",
					new IllegalStateException("1000 callers wait for a fetch already")));
		}
		this.log.unprocessed(new RedisConnectionFailureException("Unable to connect to Redis",
				new ConnectException("Connection refused")));

		assertThat(lines(output, "back-channel logout could not be processed")).hasSize(2)
			.anySatisfy((line) -> assertThat(line).contains("IllegalStateException"))
			.anySatisfy((line) -> assertThat(line).contains("RedisConnectionFailureException", "ConnectException"))
			.allSatisfy((line) -> assertThat(line).doesNotContain("Connection refused")
				.doesNotContain("Unable to connect"));
	}

	// The IdP's own tokens refused (a clock out of step, a wrong client id) while anyone
	// posts garbage: the line was the garbage's, and no one learnt why logging out at the
	// IdP left users signed in here.
	@Test
	void rejectedWhenFloodedWithGarbageThenAGenuineTokensReasonWithinTheIntervalIsLoggedToo(CapturedOutput output) {
		for (int i = 0; i < 100; i++) {
			this.log.rejected(new BadJwtException("An error occurred while attempting to decode the Jwt: garbage"));
		}
		this.log.rejected(invalid("aud is not this client"));

		assertThat(lines(output, "back-channel logout token rejected")).hasSize(2)
			.anySatisfy((line) -> assertThat(line).contains("malformed, or not signed by a key of the IdP"))
			.anySatisfy((line) -> assertThat(line).contains("aud is not this client"));
	}

	// Spring's timestamp check names the instant: kept in the key, each refused token
	// had a line, and a counter in memory, of its own.
	@Test
	void rejectedWhenExpiredAtDifferentInstantsThenOneLinePerIntervalNamingNoInstant(CapturedOutput output) {
		this.log.rejected(invalid("Jwt expired at 2026-12-01T09:40:00Z"));
		this.log.rejected(invalid("Jwt expired at 2026-12-01T09:41:00Z"));
		this.clock.advance(BackchannelLogoutLog.INTERVAL);
		this.log.rejected(invalid("Jwt expired at 2026-12-01T09:42:00Z"));

		assertThat(lines(output, "back-channel logout token rejected")).hasSize(2)
			.allSatisfy((line) -> assertThat(line).contains("exp has passed").doesNotContain("2026-12-01T09:4"))
			.last()
			.asString()
			.contains("(2 rejected since the last report)");
	}

	// A description of no check the gateway runs: logged under a fixed reason, never as
	// it reads.
	@Test
	void rejectedWhenDescriptionUnknownThenLoggedUnderAFixedReason(CapturedOutput output) {
		this.log.rejected(invalid("claim x-Zq7 is odd"));
		this.log.rejected(invalid("claim x-Zq8 is odd"));

		assertThat(lines(output, "back-channel logout token rejected")).singleElement()
			.asString()
			.contains("another claim check failed")
			.doesNotContain("Zq7");
	}

	private static JwtValidationException invalid(String description) {
		return new JwtValidationException(description, List.of(new OAuth2Error("invalid_request", description, null)));
	}

	private static List<String> lines(CapturedOutput output, String start) {
		return output.getOut().lines().filter((line) -> line.contains(start)).toList();
	}

}
