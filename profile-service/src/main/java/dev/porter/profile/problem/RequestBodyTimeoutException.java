package dev.porter.profile.problem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * 408: the request body was still arriving when the request's deadline passed; nothing
 * was sent upstream. The connection is closed after the answer (RFC 9110, 15.5.9): the
 * rest of the body may still be on its way.
 */
public final class RequestBodyTimeoutException extends ErrorResponseException {

	RequestBodyTimeoutException() {
		super(HttpStatus.REQUEST_TIMEOUT, Problems.requestTimeout(), null);
		getHeaders().set(HttpHeaders.CONNECTION, "close");
	}

}
