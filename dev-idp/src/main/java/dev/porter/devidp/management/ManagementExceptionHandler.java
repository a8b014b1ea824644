package dev.porter.devidp.management;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers every failure of the Management API controllers in Auth0's error shape,
 * framework errors included, so a client never sees Spring's own error JSON from
 * {@code /api/v2}.
 */
@RestControllerAdvice(assignableTypes = { UsersController.class, UserSearchController.class })
class ManagementExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ManagementExceptionHandler.class);

	@ExceptionHandler
	ResponseEntity<ManagementError> handle(ManagementApiException ex) {
		return ResponseEntity.status(ex.status()).body(ex.toError());
	}

	/**
	 * A body that could not be read: its sender closed or reset the connection before it
	 * was whole (Tomcat's {@code ClientAbortException}, wrapped by Spring), which anyone
	 * can do at will and a client killed mid-request does. The sender's doing: Auth0's
	 * {@code 400 invalid_body}, and no ERROR line. Tomcat has already chosen the 400 and
	 * answers it through the error page ({@link ManagementErrorAttributes}); a malformed
	 * JSON body never gets here (the controllers read bytes and parse them themselves).
	 */
	@ExceptionHandler
	ResponseEntity<ManagementError> handle(HttpMessageNotReadableException ex) {
		logger.debug("Management API request body unreadable: {}", ex.getMostSpecificCause().toString());
		return handle(ManagementApiException.incompleteBody());
	}

	/**
	 * Spring MVC's own errors (405, 415, …) keep their status; anything else is a 500.
	 */
	@ExceptionHandler
	ResponseEntity<ManagementError> handle(Exception ex) {
		if (ex instanceof ErrorResponse response) {
			HttpStatus status = HttpStatus.valueOf(response.getStatusCode().value());
			return ResponseEntity.status(status)
				.headers(response.getHeaders())
				.body(ManagementError.of(status, status.getReasonPhrase(), null));
		}
		logger.error("Management API request failed", ex);
		HttpStatus status = HttpStatus.INTERNAL_SERVER_ERROR;
		return ResponseEntity.status(status).body(ManagementError.of(status, status.getReasonPhrase(), null));
	}

}
