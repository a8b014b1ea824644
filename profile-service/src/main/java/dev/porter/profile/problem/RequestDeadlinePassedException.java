package dev.porter.profile.problem;

import java.time.Duration;

import dev.porter.common.RetryAfter;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * 503: the request's time ({@code PROFILE_REQUEST_DEADLINE}) ran out while an upstream
 * was still being waited for, or too little of it was left to send a change. Its type is
 * the one of every upstream outage, so that callers need not tell them apart; the detail
 * says whether a change may still land.
 */
public final class RequestDeadlinePassedException extends ErrorResponseException {

	/**
	 * Short: the upstream call goes on without the caller (or has ended), and its answer,
	 * cached, serves the next try.
	 */
	static final Duration RETRY_AFTER = Duration.ofSeconds(2);

	private RequestDeadlinePassedException(String detail) {
		super(HttpStatus.SERVICE_UNAVAILABLE,
				Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "upstream-unavailable", "Upstream unavailable", detail),
				null);
		getHeaders().set(HttpHeaders.RETRY_AFTER, RetryAfter.header(RETRY_AFTER));
	}

	public static RequestDeadlinePassedException whileReading() {
		return new RequestDeadlinePassedException(
				"The profile could not be read in time: an upstream service is slow. Try again later.");
	}

	/**
	 * The reads before a change left less of the request's time than the change may take
	 * once sent: it was not sent, since it could have been applied after the request
	 * deadline had told the caller it failed.
	 */
	public static RequestDeadlinePassedException beforeChangeSent() {
		return new RequestDeadlinePassedException("The change was not sent: an upstream service was so slow to read "
				+ "the profile that the change could not have been confirmed in time. Nothing was changed; "
				+ "send it again after the time given in Retry-After.");
	}

	/**
	 * The waits before a change's first attempt (the directory's token, the call budget)
	 * left less of the request's time than that attempt may take: it was not sent, for
	 * the same reason.
	 */
	public static RequestDeadlinePassedException beforeChangeSentAfterWaiting() {
		return new RequestDeadlinePassedException("The change was not sent: the user directory kept it waiting so long "
				+ "that it could not have been confirmed in time. Nothing was changed; "
				+ "send it again after the time given in Retry-After.");
	}

	public static RequestDeadlinePassedException whileChanging() {
		return new RequestDeadlinePassedException(
				"The change was not confirmed in time: it may still be applied. " + Problems.SEND_AGAIN_IS_SAFE);
	}

}
