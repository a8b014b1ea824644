package dev.porter.devidp.userinfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * {@code /userinfo}'s refusal as Auth0 really sends it: {@code 401}, a plain-text body
 * {@code Unauthorized}, and the reason only in {@code WWW-Authenticate}. Used both for
 * tokens the resource server rejects (missing, bad signature, expired) and for tokens the
 * authorization server no longer knows.
 *
 * @see <a href="https://github.com/auth0/Auth0.Android/issues/629">Auth0.Android#629</a>
 */
public final class UserInfoUnauthorized implements AuthenticationEntryPoint, AuthenticationFailureHandler {

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
			throws IOException {
		write(response, describe(exception));
	}

	@Override
	public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException exception) throws IOException {
		write(response, "The access token is invalid or has expired");
	}

	private static String describe(AuthenticationException exception) {
		if (!(exception instanceof InvalidBearerTokenException)) {
			return "Missing access token";
		}
		String message = String.valueOf(exception.getMessage());
		return message.contains("expired") ? "The token has expired" : "Invalid token";
	}

	private static void write(HttpServletResponse response, String description) throws IOException {
		response.setStatus(HttpStatus.UNAUTHORIZED.value());
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE,
				"Bearer realm=\"Users\", error=\"invalid_token\", error_description=\"" + description + "\"");
		response.setContentType(MediaType.TEXT_PLAIN_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getWriter().write("Unauthorized");
	}

}
