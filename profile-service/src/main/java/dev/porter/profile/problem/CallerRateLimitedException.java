package dev.porter.profile.problem;

import java.time.Duration;

import dev.porter.common.RetryAfter;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** 429: the caller exceeded a budget of her own. */
public final class CallerRateLimitedException extends ErrorResponseException {

	/** Her requests, or her own limit at the upstream ({@code /userinfo}'s). */
	public CallerRateLimitedException(Duration retryAfter) {
		this(Problems.callerRateLimited(), retryAfter);
	}

	private CallerRateLimitedException(ProblemDetail problem, Duration retryAfter) {
		super(HttpStatus.TOO_MANY_REQUESTS, problem, null);
		getHeaders().set(HttpHeaders.RETRY_AFTER, RetryAfter.header(retryAfter));
	}

	/**
	 * A change of hers that waited for her change before it ({@code PerUserSequence})
	 * until too little of her request's time was left to send it: it was not sent.
	 */
	public static CallerRateLimitedException ownChangeBeforeTooSlow(Duration retryAfter) {
		return new CallerRateLimitedException(Problems.ownChangeBeforeTooSlow(), retryAfter);
	}

	/**
	 * Her share of the upstream budgets all users share: {@code calls} per {@code period}
	 * of loads, revalidations and changes.
	 */
	public static CallerRateLimitedException overUpstreamShare(int calls, Duration period, Duration retryAfter) {
		return new CallerRateLimitedException(Problems.callerUpstreamShareSpent(calls, period), retryAfter);
	}

}
