package dev.porter.gateway.problem;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An error the gateway raises on purpose; {@link ProblemExceptionHandler} writes its
 * problem as is. A problem with a {@code retry_after} member carries the matching
 * {@code Retry-After} header from the start.
 */
public class ProblemException extends ErrorResponseException {

	public ProblemException(ProblemDetail problem, @Nullable Throwable cause) {
		super(HttpStatusCode.valueOf(problem.getStatus()), problem, cause);
		String retryAfter = Problems.retryAfterHeader(problem);
		if (retryAfter != null) {
			getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfter);
		}
	}

}
