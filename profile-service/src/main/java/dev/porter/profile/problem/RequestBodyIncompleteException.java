package dev.porter.profile.problem;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * 400: the connection closed or was reset before the request body was whole. The answer
 * seldom reaches anyone; it keeps the sender's doing out of the 500s.
 */
public final class RequestBodyIncompleteException extends ErrorResponseException {

	RequestBodyIncompleteException(String header, Throwable cause) {
		super(HttpStatus.BAD_REQUEST, Problems.bodyIncomplete(header), cause);
	}

}
