package dev.porter.devidp.management;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Writes the Management API's 401 and 403 in Auth0's shape. Spring's bearer-token
 * handlers still set the status and {@code WWW-Authenticate}; this adds the JSON body,
 * which Auth0 clients parse.
 */
final class ManagementAuthErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

	private final AuthenticationEntryPoint bearerEntryPoint = new BearerTokenAuthenticationEntryPoint();

	private final AccessDeniedHandler bearerAccessDenied = new BearerTokenAccessDeniedHandler();

	private final JsonMapper mapper;

	ManagementAuthErrors(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException, ServletException {
		this.bearerEntryPoint.commence(request, response, authException);
		write(response, ManagementError.unauthorized(message(authException)));
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException accessDeniedException) throws IOException, ServletException {
		this.bearerAccessDenied.handle(request, response, accessDeniedException);
		String message = ManagementOperation.of(request)
			.map(ManagementOperation::insufficientScopeMessage)
			.orElse("Insufficient scope");
		write(response, ManagementError.of(HttpStatus.FORBIDDEN, message, "insufficient_scope"));
	}

	/**
	 * Auth0's 401 messages; the decoder's own description never reaches the client, as it
	 * may quote parts of the token.
	 */
	static String message(AuthenticationException ex) {
		if (!(ex instanceof OAuth2AuthenticationException oauth)) {
			return "Missing authentication";
		}
		String description = String.valueOf(oauth.getError().getDescription());
		if (description.contains("expired")) {
			return "Expired token received for JSON Web Token validation";
		}
		if (description.contains("Signed JWT rejected")) {
			return "Invalid signature received for JSON Web Token validation";
		}
		if (description.contains("aud claim")) {
			return "Bad audience";
		}
		if (description.contains("iss claim")) {
			return "Bad issuer";
		}
		return "Invalid token.";
	}

	private void write(HttpServletResponse response, ManagementError error) throws IOException {
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		this.mapper.writeValue(response.getOutputStream(), error);
	}

}
