package dev.porter.devidp.management;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * The Management API error body, {@code {"statusCode","error","message","errorCode"}}:
 * {@code errorCode} is absent on 401s, which carry {@code attributes} instead, as Auth0's
 * do.
 *
 * @see <a href="https://auth0.com/docs/api/management/v2">Auth0 Management API v2</a>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ManagementError(int statusCode, String error, String message, @Nullable String errorCode,
		@Nullable Map<String, String> attributes) {

	static ManagementError of(HttpStatus status, String message, @Nullable String errorCode) {
		return new ManagementError(status.value(), status.getReasonPhrase(), message, errorCode, null);
	}

	static ManagementError unauthorized(String message) {
		HttpStatus status = HttpStatus.UNAUTHORIZED;
		return new ManagementError(status.value(), status.getReasonPhrase(), message, null, Map.of("error", message));
	}

}
