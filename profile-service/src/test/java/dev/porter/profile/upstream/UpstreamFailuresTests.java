package dev.porter.profile.upstream;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.porter.profile.upstream.UpstreamException.Kind;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures count against a circuit and which are retried. */
class UpstreamFailuresTests {

	private static UpstreamException failure(Kind kind, Duration retryAfter) {
		return new UpstreamException("management", kind, retryAfter, null);
	}

	@ParameterizedTest
	@CsvSource({ "management, UNAVAILABLE, false", "management, BAD_RESPONSE, false", "management, RATE_LIMITED, false",
			"management, NOT_FOUND, true", "management, TOKEN_REJECTED, false", "management, REFUSED, true",
			"userinfo, UNAVAILABLE, false", "userinfo, BAD_RESPONSE, false", "userinfo, RATE_LIMITED, true",
			"userinfo, NOT_FOUND, true", "userinfo, TOKEN_REJECTED, true", "userinfo, REFUSED, true" })
	void saysNothingAboutUpstreamWhenKindThenIgnoredOnlyIfTheCallerEarnedIt(String upstream, Kind kind,
			boolean ignored) {
		assertThat(UpstreamFailures.saysNothingAboutUpstream(upstream, failure(kind, null))).isEqualTo(ignored);
	}

	@Test
	void saysNothingAboutUpstreamWhenOurOwnBulkheadOrLimiterIsFullThenIgnored() {
		assertThat(UpstreamFailures.saysNothingAboutUpstream("management",
				BulkheadFullException.createBulkheadFullException(Bulkhead.ofDefaults("b"))))
			.isTrue();
		assertThat(UpstreamFailures.saysNothingAboutUpstream("management",
				RequestNotPermitted.createRequestNotPermitted(RateLimiter.ofDefaults("r"))))
			.isTrue();
		assertThat(UpstreamFailures.saysNothingAboutUpstream("management", new TimeoutException())).isFalse();
	}

	@ParameterizedTest
	@CsvSource({ "UNAVAILABLE, true", "RATE_LIMITED, true", "NOT_FOUND, false", "TOKEN_REJECTED, false",
			"REFUSED, false", "BAD_RESPONSE, false" })
	void isRetryableWhenKindThenOnlyTransientFailures(Kind kind, boolean retryable) {
		assertThat(UpstreamFailures.isRetryable(failure(kind, null), Duration.ofSeconds(1))).isEqualTo(retryable);
	}

}
