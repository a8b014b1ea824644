package dev.porter.devidp.oauth;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Auth0's RP-initiated logout without an ID token: {@code /oidc/logout} with
 * {@code logout_hint} (the session's {@code sid}) and {@code client_id}. Spring
 * Authorization Server only knows {@code id_token_hint}; requests carrying one pass on to
 * it untouched. Like Auth0: the hint must name the browser's IdP session (a mismatch is
 * an error and ends nothing), {@code post_logout_redirect_uri} must be one of the
 * client's, and {@code state} is echoed. A browser whose IdP session already ended is
 * simply sent back.
 *
 * @see <a href=
 * "https://auth0.com/docs/authenticate/login/logout/log-users-out-of-auth0">Auth0: log
 * users out</a>
 */
final class LogoutHintFilter extends OncePerRequestFilter {

	private final RequestMatcher endpoint;

	private final RegisteredClientRepository clients;

	private final LogoutHandler logoutHandler;

	LogoutHintFilter(String endpointPath, RegisteredClientRepository clients, LogoutHandler logoutHandler) {
		this.endpoint = PathPatternRequestMatcher.withDefaults().matcher(endpointPath);
		this.clients = clients;
		this.logoutHandler = logoutHandler;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String hint = request.getParameter("logout_hint");
		if (!this.endpoint.matches(request) || request.getParameter("id_token_hint") != null || hint == null) {
			chain.doFilter(request, response);
			return;
		}
		String clientId = request.getParameter("client_id");
		RegisteredClient client = (clientId != null) ? this.clients.findByClientId(clientId) : null;
		if (client == null) {
			badRequest(response, "logout_hint needs the client_id of a registered client");
			return;
		}
		String redirect = request.getParameter("post_logout_redirect_uri");
		if (redirect != null && !client.getPostLogoutRedirectUris().contains(redirect)) {
			badRequest(response, "post_logout_redirect_uri is not one of the client's");
			return;
		}
		HttpSession session = request.getSession(false);
		if (session != null) {
			if (!SigningInSession.sid(session.getId()).equals(hint)) {
				badRequest(response, "logout_hint does not match the session");
				return;
			}
			this.logoutHandler.logout(request, response, SecurityContextHolder.getContext().getAuthentication());
		}
		response.setStatus(HttpStatus.FOUND.value());
		response.setHeader("Location", target(redirect, request.getParameter("state")));
	}

	private static String target(@Nullable String redirect, @Nullable String state) {
		if (redirect == null) {
			return "/";
		}
		UriComponentsBuilder target = UriComponentsBuilder.fromUriString(redirect);
		if (state != null) {
			target.queryParam("state", state);
		}
		return target.encode().build().toUriString();
	}

	private static void badRequest(HttpServletResponse response, String message) throws IOException {
		response.setStatus(HttpStatus.BAD_REQUEST.value());
		response.setContentType(MediaType.TEXT_PLAIN_VALUE);
		response.getWriter().write(message);
	}

}
