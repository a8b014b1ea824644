package dev.porter.devidp.oauth;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers a call to the token or revocation endpoint that names no client at all. Without
 * it, Spring Authorization Server's default entry point would send a machine client to
 * the login page (302); Auth0 answers 401 with an OAuth2 error body.
 */
final class ClientUnauthorized implements AuthenticationEntryPoint {

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException ex)
			throws IOException {
		response.setStatus(HttpStatus.UNAUTHORIZED.value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setHeader("Cache-Control", "no-store");
		response.getWriter()
			.write("{\"error\":\"invalid_client\",\"error_description\":\"Client authentication is required.\"}");
	}

}
