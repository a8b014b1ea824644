package dev.porter.profile.upstream;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.porter.profile.upstream.UpstreamException.Kind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which failures count against a circuit, which are retried, and which leave a change
 * surely unapplied.
 */
class UpstreamFailuresTests {

	private static UpstreamPolicy policy() {
		return new UpstreamPolicy("management", Bulkhead.ofDefaults("b"), TimeLimiter.ofDefaults("t"),
				new LocalCallBudget(RateLimiter.ofDefaults("r")), CircuitBreaker.ofDefaults("c"),
				Retry.ofDefaults("retry"), Duration.ofSeconds(5));
	}

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

	@ParameterizedTest
	@CsvSource({ "UNAVAILABLE, false", "BAD_RESPONSE, false", "ENTRY_UNUSABLE, false", "RATE_LIMITED, true",
			"NOT_FOUND, true", "TOKEN_REJECTED, true", "REFUSED, true" })
	void leftUnchangedWhenKindAsTheCallerGetsItThenOnlyRefusals(Kind kind, boolean unchanged) {
		// the caller-facing problem, its cause the upstream's failure
		UpstreamPolicy policy = policy();
		assertThat(UpstreamFailures.leftUnchanged(policy.toProblem(failure(kind, null)))).isEqualTo(unchanged);
	}

	// A 4xx is a refusal whatever we make of it: a 403 to our token (BAD_RESPONSE),
	// Keycloak's store refusing one user's write (ENTRY_UNUSABLE). Only an answer
	// without a 4xx status (a 2xx that cannot be read) may have applied the change.
	@ParameterizedTest
	@CsvSource({ "BAD_RESPONSE, 403, true", "BAD_RESPONSE, 405, true", "ENTRY_UNUSABLE, 400, true",
			"BAD_RESPONSE, 0, false", "ENTRY_UNUSABLE, 0, false", "UNAVAILABLE, 500, false" })
	void leftUnchangedWhenAnsweredThenUnchangedExactlyWhenTheStatusIsA4xx(Kind kind, int status, boolean unchanged) {
		UpstreamException answered = new UpstreamException("management", kind, status, null, null);
		assertThat(UpstreamFailures.leftUnchanged(policy().toProblem(answered))).isEqualTo(unchanged);
	}

	@Test
	void leftUnchangedWhenNeverSentThenTrueAndWhenTimedOutThenFalse() {
		UpstreamPolicy policy = policy();
		assertThat(UpstreamFailures.leftUnchanged(policy
			.toProblem(CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("c")))))
			.as("open circuit")
			.isTrue();
		assertThat(UpstreamFailures.leftUnchanged(
				policy.toProblem(RequestNotPermitted.createRequestNotPermitted(RateLimiter.ofDefaults("r")))))
			.as("our rate limiter")
			.isTrue();
		assertThat(UpstreamFailures.leftUnchanged(policy.toProblem(new UpstreamException("management", Kind.UNAVAILABLE,
				null, new IOException("io", new ConnectException("refused"))))))
			.as("connection refused")
			.isTrue();
		assertThat(UpstreamFailures.leftUnchanged(policy.toProblem(new TimeoutException()))).as("timed out").isFalse();
		assertThat(UpstreamFailures
			.leftUnchanged(policy.toProblem(new UpstreamException("management", Kind.UNAVAILABLE, 502, null, null))))
			.as("5xx")
			.isFalse();
	}

}
