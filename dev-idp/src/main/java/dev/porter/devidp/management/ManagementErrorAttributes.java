package dev.porter.devidp.management;

import java.io.IOException;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.webmvc.error.DefaultErrorAttributes;
import org.springframework.http.HttpStatus;
import org.springframework.web.context.request.WebRequest;

/**
 * The error page's JSON, for a Management API path, in Auth0's shape: Tomcat answers some
 * failures itself through the error page, which gave Spring Boot's own
 * {@code {"timestamp","status","error","path"}} to clients that parse Auth0's. Chief
 * among them a body Tomcat could not read whole (its sender closed its side or reset the
 * connection mid-body): {@code 400}, answered as
 * {@link ManagementApiException#incompleteBody}. Every other path keeps Spring Boot's.
 */
final class ManagementErrorAttributes extends DefaultErrorAttributes {

	private static final String MANAGEMENT_API = "/api/v2/";

	private final JsonMapper mapper;

	ManagementErrorAttributes(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public Map<String, Object> getErrorAttributes(WebRequest webRequest, ErrorAttributeOptions options) {
		Map<String, Object> attributes = super.getErrorAttributes(webRequest, options);
		if (!(attributes.get("path") instanceof String path) || !path.startsWith(MANAGEMENT_API)) {
			return attributes;
		}
		HttpStatus status = (attributes.get("status") instanceof Integer code && HttpStatus.resolve(code) != null)
				? HttpStatus.valueOf(code) : HttpStatus.INTERNAL_SERVER_ERROR;
		ManagementError error = (status == HttpStatus.BAD_REQUEST && unreadBody(getError(webRequest)))
				? ManagementApiException.incompleteBody().toError()
				: ManagementError.of(status, status.getReasonPhrase(), null);
		return this.mapper.convertValue(error, new TypeReference<Map<String, Object>>() {
		});
	}

	private static boolean unreadBody(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof IOException) {
				return true;
			}
		}
		return false;
	}

}
