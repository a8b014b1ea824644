package dev.porter.devidp.oauth;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * Token endpoint errors as Auth0 writes them: {@code {"error","error_description"}},
 * {@code 403} for {@code access_denied}, {@code 401} for {@code invalid_client},
 * {@code 400} otherwise, with Auth0's wording where Spring gives none (clients such as
 * Auth0.Android match on it).
 */
final class TokenErrorResponseHandler implements AuthenticationFailureHandler {

	private final JsonMapper mapper;

	TokenErrorResponseHandler(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException exception) throws IOException {
		OAuth2Error error = (exception instanceof OAuth2AuthenticationException oauth2) ? oauth2.getError()
				: new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST);
		Map<String, String> body = new LinkedHashMap<>();
		body.put(OAuth2ParameterNames.ERROR, error.getErrorCode());
		body.put(OAuth2ParameterNames.ERROR_DESCRIPTION,
				(error.getDescription() != null) ? error.getDescription() : describe(error, request));
		response.setStatus(status(error).value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
		this.mapper.writeValue(response.getOutputStream(), body);
	}

	private static HttpStatus status(OAuth2Error error) {
		return switch (error.getErrorCode()) {
			case ClientGrantAuthenticationProvider.ACCESS_DENIED -> HttpStatus.FORBIDDEN;
			case OAuth2ErrorCodes.INVALID_CLIENT -> HttpStatus.UNAUTHORIZED;
			default -> HttpStatus.BAD_REQUEST;
		};
	}

	private static String describe(OAuth2Error error, HttpServletRequest request) {
		String grantType = request.getParameter(OAuth2ParameterNames.GRANT_TYPE);
		if (OAuth2ErrorCodes.INVALID_GRANT.equals(error.getErrorCode())) {
			if (AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(grantType)) {
				return "Unknown or invalid refresh token.";
			}
			return "Invalid authorization code";
		}
		if (OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode())) {
			return "Client authentication failed";
		}
		return error.getErrorCode().replace('_', ' ');
	}

}
