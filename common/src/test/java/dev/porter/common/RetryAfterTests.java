package dev.porter.common;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTests {

	@ParameterizedTest
	@CsvSource({ "PT0S, 1", "PT0.001S, 1", "PT1S, 1", "PT1.001S, 2", "PT29.5S, 30", "PT30S, 30", "-PT5S, 1" })
	void aWaitIsRoundedUpToWholeSecondsAndIsNeverZero(Duration wait, long seconds) {
		assertThat(RetryAfter.seconds(wait)).isEqualTo(seconds);
		assertThat(RetryAfter.header(wait)).isEqualTo(Long.toString(seconds));
	}

}
