package dev.porter.profile.problem;

import java.time.Duration;

import dev.porter.common.RetryAfter;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 429: the caller exceeded its own request budget. */
public final class CallerRateLimitedException extends ErrorResponseException {

	public CallerRateLimitedException(Duration retryAfter) {
		super(HttpStatus.TOO_MANY_REQUESTS, Problems.callerRateLimited(), null);
		getHeaders().set(HttpHeaders.RETRY_AFTER, RetryAfter.header(retryAfter));
	}

}
