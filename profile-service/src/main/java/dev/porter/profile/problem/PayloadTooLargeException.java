package dev.porter.profile.problem;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 413: the request body is over the limit. */
public final class PayloadTooLargeException extends ErrorResponseException {

	public PayloadTooLargeException(int limit) {
		super(HttpStatus.CONTENT_TOO_LARGE, Problems.payloadTooLarge(limit), null);
	}

}
