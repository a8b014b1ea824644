package dev.porter.devidp.management;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/** A Management API failure that the client sees as an Auth0 error body. */
final class ManagementApiException extends RuntimeException {

	private final HttpStatus status;

	private final @Nullable String errorCode;

	ManagementApiException(HttpStatus status, String message, @Nullable String errorCode) {
		super(message, null, false, false);
		this.status = status;
		this.errorCode = errorCode;
	}

	static ManagementApiException inexistentUser() {
		return new ManagementApiException(HttpStatus.NOT_FOUND, "The user does not exist.", "inexistent_user");
	}

	/** A body that breaks the payload schema, in Auth0's (z-schema) message style. */
	static ManagementApiException invalidBody(String detail, @Nullable String property) {
		String message = "Payload validation error: '" + detail + "'"
				+ ((property != null) ? " on property " + property + "." : ".");
		return new ManagementApiException(HttpStatus.BAD_REQUEST, message, "invalid_body");
	}

	/** A body that is well-formed but asks for something Auth0 refuses. */
	static ManagementApiException badRequest(String message) {
		return new ManagementApiException(HttpStatus.BAD_REQUEST, message, "invalid_body");
	}

	/**
	 * A body that ended before it was whole: its sender closed or reset the connection.
	 * Auth0's status and code; the message is dev-idp's.
	 */
	static ManagementApiException incompleteBody() {
		return badRequest("Invalid request payload: the body ended before it was whole.");
	}

	static ManagementApiException invalidQueryString(String detail, String property) {
		return new ManagementApiException(HttpStatus.BAD_REQUEST,
				"Query validation error: '" + detail + "' on property " + property + ".", "invalid_query_string");
	}

	static ManagementApiException invalidUri(String detail) {
		return new ManagementApiException(HttpStatus.BAD_REQUEST,
				"Path validation error: '" + detail + "' on property id.", "invalid_uri");
	}

	static ManagementApiException forbidden(String message, @Nullable String errorCode) {
		return new ManagementApiException(HttpStatus.FORBIDDEN, message, errorCode);
	}

	ManagementError toError() {
		return ManagementError.of(this.status, getMessage(), this.errorCode);
	}

	HttpStatus status() {
		return this.status;
	}

}
