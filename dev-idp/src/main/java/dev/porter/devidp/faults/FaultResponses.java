package dev.porter.devidp.faults;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Writes injected errors in the body shape of the group's API: the Management API's
 * {@code {"statusCode","error","message","errorCode"}} or the Authentication API's
 * {@code {"error","error_description"}}.
 */
final class FaultResponses {

	private static final String INJECTED = "dev-idp injected this error (error_rate fault)";

	private final JsonMapper mapper;

	FaultResponses(JsonMapper mapper) {
		this.mapper = mapper;
	}

	void tooManyRequests(EndpointGroup group, HttpServletResponse response) throws IOException {
		if (group.managementShape()) {
			write(response, HttpStatus.TOO_MANY_REQUESTS,
					management(HttpStatus.TOO_MANY_REQUESTS, "Global limit has been reached", "too_many_requests"));
		}
		else {
			write(response, HttpStatus.TOO_MANY_REQUESTS, oauth("too_many_requests",
					"Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers."));
		}
	}

	void injected(EndpointGroup group, int statusCode, HttpServletResponse response) throws IOException {
		HttpStatus status = HttpStatus.valueOf(statusCode);
		if (group.managementShape()) {
			String errorCode = (status == HttpStatus.TOO_MANY_REQUESTS) ? "too_many_requests" : null;
			write(response, status, management(status, INJECTED, errorCode));
		}
		else {
			write(response, status, oauth(oauthError(group, status), INJECTED));
		}
	}

	private static String oauthError(EndpointGroup group, HttpStatus status) {
		if (status == HttpStatus.TOO_MANY_REQUESTS) {
			return "too_many_requests";
		}
		if (status == HttpStatus.UNAUTHORIZED) {
			return (group == EndpointGroup.USERINFO) ? "invalid_token" : "invalid_client";
		}
		if (status == HttpStatus.SERVICE_UNAVAILABLE) {
			return "temporarily_unavailable";
		}
		return status.is5xxServerError() ? "server_error" : "invalid_request";
	}

	private static Map<String, Object> management(HttpStatus status, String message, @Nullable String errorCode) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("statusCode", status.value());
		body.put("error", status.getReasonPhrase());
		body.put("message", message);
		if (errorCode != null) {
			body.put("errorCode", errorCode);
		}
		return body;
	}

	private static Map<String, Object> oauth(String error, String description) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", error);
		body.put("error_description", description);
		return body;
	}

	private void write(HttpServletResponse response, HttpStatus status, Map<String, Object> body) throws IOException {
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		this.mapper.writeValue(response.getOutputStream(), body);
	}

}
