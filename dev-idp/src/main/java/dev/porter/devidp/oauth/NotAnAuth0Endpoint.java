package dev.porter.devidp.oauth;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers {@code 404} on an endpoint Spring Authorization Server always serves but Auth0
 * has not, such as token introspection (RFC 7662), before client authentication reads the
 * request: an application tested against dev-idp must not come to rely on it, and an
 * endpoint no one needs is one way in fewer.
 */
final class NotAnAuth0Endpoint extends OncePerRequestFilter {

	private final RequestMatcher endpoint;

	NotAnAuth0Endpoint(String path) {
		this.endpoint = PathPatternRequestMatcher.withDefaults().matcher(path);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !this.endpoint.matches(request);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.sendError(HttpStatus.NOT_FOUND.value());
	}

}
