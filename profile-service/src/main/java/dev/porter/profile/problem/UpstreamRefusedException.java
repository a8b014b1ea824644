package dev.porter.profile.problem;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A 4xx the caller's own request earned upstream (the directory answered 400, 409, 413 or
 * 422): passed on as the caller's problem, never as an upstream failure (502), so that it
 * counts against no circuit breaker.
 */
public final class UpstreamRefusedException extends ErrorResponseException {

	public UpstreamRefusedException(String upstream, int upstreamStatus, @Nullable Throwable cause) {
		this(statusFor(upstreamStatus), upstream, cause);
	}

	private UpstreamRefusedException(HttpStatus status, String upstream, @Nullable Throwable cause) {
		super(status, Problems.upstreamRefused(status, detail(status, upstream)), cause);
	}

	private static HttpStatus statusFor(int upstreamStatus) {
		if (upstreamStatus == HttpStatus.CONFLICT.value()) {
			return HttpStatus.CONFLICT;
		}
		if (upstreamStatus == HttpStatus.CONTENT_TOO_LARGE.value()) {
			return HttpStatus.CONTENT_TOO_LARGE;
		}
		// 400 and 422: the request was well-formed for us but not for the upstream
		return HttpStatus.UNPROCESSABLE_CONTENT;
	}

	// The upstream's own message is not repeated: it is not ours to vouch for.
	private static String detail(HttpStatus status, String upstream) {
		if (status == HttpStatus.CONFLICT) {
			return "The " + upstream + " service refused this change: it conflicts with the stored profile. "
					+ "Nothing was changed.";
		}
		if (status == HttpStatus.CONTENT_TOO_LARGE) {
			return "The " + upstream + " service refused this change as too large. Nothing was changed.";
		}
		return "The " + upstream + " service refused this request as invalid, for example because of one of "
				+ "the user directory's size limits. Nothing was changed.";
	}

}
