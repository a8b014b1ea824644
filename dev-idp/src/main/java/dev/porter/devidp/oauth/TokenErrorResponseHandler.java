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
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * Token endpoint errors as Auth0 writes them: {@code {"error","error_description"}},
 * {@code 403} for {@code access_denied} and {@code invalid_grant}, {@code 401} for client
 * authentication failures, {@code 400} otherwise, with Auth0's wording where Spring gives
 * none (clients such as Auth0.Android match on it).
 */
final class TokenErrorResponseHandler implements AuthenticationFailureHandler {

	private static final String UNAUTHORIZED = "Unauthorized";

	private static final String INVALID_CODE = "Invalid authorization code";

	private static final String WRONG_VERIFIER = "Failed to verify code verifier";

	private final JsonMapper mapper;

	TokenErrorResponseHandler(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException exception) throws IOException {
		OAuth2Error error = auth0Error((exception instanceof OAuth2AuthenticationException oauth2) ? oauth2.getError()
				: new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST), request);
		Map<String, String> body = new LinkedHashMap<>();
		body.put(OAuth2ParameterNames.ERROR, error.getErrorCode());
		body.put(OAuth2ParameterNames.ERROR_DESCRIPTION,
				(error.getDescription() != null) ? error.getDescription() : describe(error, request));
		response.setStatus(status(error).value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
		this.mapper.writeValue(response.getOutputStream(), body);
	}

	/**
	 * Auth0's answers where they differ from Spring's: a client that named an unknown id
	 * or a wrong secret is told only {@code access_denied} / {@code Unauthorized} (Spring
	 * says which of the two was wrong), an unknown code and a wrong PKCE verifier get
	 * Auth0's answers to them (Spring checks both while authenticating the client, and
	 * says "Client authentication failed: code" or ": code_verifier"), and an unknown
	 * grant type is named.
	 */
	private static OAuth2Error auth0Error(OAuth2Error error, HttpServletRequest request) {
		String description = String.valueOf(error.getDescription());
		if (OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode())
				&& (description.endsWith(OAuth2ParameterNames.CLIENT_ID)
						|| description.endsWith(OAuth2ParameterNames.CLIENT_SECRET))) {
			return new OAuth2Error(ClientGrantAuthenticationProvider.ACCESS_DENIED, UNAUTHORIZED, null);
		}
		if (OAuth2ErrorCodes.INVALID_GRANT.equals(error.getErrorCode())
				&& AuthorizationGrantType.AUTHORIZATION_CODE.getValue()
					.equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE))) {
			return new OAuth2Error(error.getErrorCode(),
					description.endsWith(PkceParameterNames.CODE_VERIFIER) ? WRONG_VERIFIER : INVALID_CODE, null);
		}
		if (OAuth2ErrorCodes.UNSUPPORTED_GRANT_TYPE.equals(error.getErrorCode())) {
			return new OAuth2Error(error.getErrorCode(),
					"Unsupported grant type: " + request.getParameter(OAuth2ParameterNames.GRANT_TYPE), null);
		}
		return error;
	}

	private static HttpStatus status(OAuth2Error error) {
		if (UNAUTHORIZED.equals(error.getDescription())) {
			return HttpStatus.UNAUTHORIZED;
		}
		return switch (error.getErrorCode()) {
			// Auth0 answers a bad code or refresh token, a reused one included, with 403.
			case ClientGrantAuthenticationProvider.ACCESS_DENIED, OAuth2ErrorCodes.INVALID_GRANT ->
				HttpStatus.FORBIDDEN;
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
			return INVALID_CODE;
		}
		if (OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode())) {
			return "Client authentication failed";
		}
		return error.getErrorCode().replace('_', ' ');
	}

}
