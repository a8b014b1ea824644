package dev.porter.profile.problem;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.porter.common.RetryAfter;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * 503: an upstream failed (timeout, 5xx, 429, open circuit) and no stale entry could
 * answer.
 */
public final class UpstreamUnavailableException extends ErrorResponseException {

	public UpstreamUnavailableException(String upstream, Duration retryAfter, @Nullable Throwable cause) {
		super(HttpStatus.SERVICE_UNAVAILABLE, Problems.upstreamUnavailable(upstream), cause);
		getHeaders().set(HttpHeaders.RETRY_AFTER, RetryAfter.header(retryAfter));
	}

}
