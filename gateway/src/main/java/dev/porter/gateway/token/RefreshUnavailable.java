package dev.porter.gateway.token;

import java.time.Duration;

import dev.porter.common.RetryAfter;
import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;

/**
 * No fresh token to be had and the current one has expired: {@code 503} with
 * {@code Retry-After}. The header and the problem's {@code retry_after} member carry the
 * same whole seconds, rounded up by {@link RetryAfter}.
 */
final class RefreshUnavailable extends ProblemException {

	RefreshUnavailable(Duration retryAfter, @Nullable Throwable cause) {
		super(problem(retryAfter), cause);
		getHeaders().set(HttpHeaders.RETRY_AFTER, RetryAfter.header(retryAfter));
	}

	private static ProblemDetail problem(Duration retryAfter) {
		ProblemDetail problem = Problems.identityProviderUnavailable();
		problem.setDetail("Your session could not be renewed right now; try again later");
		problem.setProperty("retry_after", RetryAfter.seconds(retryAfter));
		return problem;
	}

}
