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
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Auth0's RP-initiated logout without an ID token, which Spring Authorization Server
 * refuses: {@code /oidc/logout} with {@code client_id} and either {@code logout_hint}
 * (the session's {@code sid}) or no hint at all. Requests carrying {@code id_token_hint}
 * pass on to the server untouched. Like Auth0: {@code client_id} must name a registered
 * client and {@code post_logout_redirect_uri} be one of its, {@code state} is echoed, and
 * a browser not signed in here is simply sent back. A {@code logout_hint} must name the
 * browser's IdP session (a mismatch is an error and ends nothing). Without a hint nothing
 * says the user meant it (any site can send a browser here), so the user is asked to
 * confirm: see {@link LogoutConfirmation}.
 *
 * @see <a href=
 * "https://auth0.com/docs/authenticate/login/logout/log-users-out-of-auth0">Auth0: log
 * users out</a>
 */
final class OidcLogoutWithoutIdTokenFilter extends OncePerRequestFilter {

	private final RequestMatcher endpoint;

	private final RegisteredClientRepository clients;

	private final LogoutHandler logoutHandler;

	private final LogoutConfirmation confirmation;

	private final AuthenticationTrustResolver signedIn = new AuthenticationTrustResolverImpl();

	OidcLogoutWithoutIdTokenFilter(String endpointPath, RegisteredClientRepository clients,
			LogoutHandler logoutHandler) {
		this.endpoint = PathPatternRequestMatcher.withDefaults().matcher(endpointPath);
		this.clients = clients;
		this.logoutHandler = logoutHandler;
		this.confirmation = new LogoutConfirmation(endpointPath);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!this.endpoint.matches(request) || request.getParameter("id_token_hint") != null) {
			chain.doFilter(request, response);
			return;
		}
		String clientId = request.getParameter("client_id");
		RegisteredClient client = (clientId != null) ? this.clients.findByClientId(clientId) : null;
		if (client == null) {
			badRequest(response, "client_id: without id_token_hint, logout needs the client_id of a registered client");
			return;
		}
		String redirect = request.getParameter("post_logout_redirect_uri");
		if (redirect != null && !client.getPostLogoutRedirectUris().contains(redirect)) {
			badRequest(response, "post_logout_redirect_uri: not one of the Allowed Logout URLs of " + clientId);
			return;
		}
		String hint = request.getParameter("logout_hint");
		String state = request.getParameter("state");
		if (hint != null) {
			logoutHinted(request, response, hint, redirect, state);
			return;
		}
		Authentication user = SecurityContextHolder.getContext().getAuthentication();
		if (!this.signedIn.isAuthenticated(user)) {
			redirect(response, redirect, state);
		}
		else if (this.confirmation.isConfirmed(request)) {
			this.logoutHandler.logout(request, response, user);
			redirect(response, redirect, state);
		}
		else {
			this.confirmation.ask(request, response, client, user.getName(), redirect, state);
		}
	}

	private void logoutHinted(HttpServletRequest request, HttpServletResponse response, String hint,
			@Nullable String redirect, @Nullable String state) throws IOException {
		HttpSession session = request.getSession(false);
		if (session != null) {
			if (!SigningInSession.sid(session.getId()).equals(hint)) {
				badRequest(response, "logout_hint: does not match the session");
				return;
			}
			this.logoutHandler.logout(request, response, SecurityContextHolder.getContext().getAuthentication());
		}
		redirect(response, redirect, state);
	}

	private static void redirect(HttpServletResponse response, @Nullable String redirect, @Nullable String state) {
		response.setStatus(HttpStatus.FOUND.value());
		response.setHeader("Location", target(redirect, state));
	}

	private static String target(@Nullable String redirect, @Nullable String state) {
		if (redirect == null) {
			return "/";
		}
		UriComponentsBuilder target = UriComponentsBuilder.fromUriString(redirect);
		if (state == null) {
			return target.encode().build().toUriString();
		}
		// As a variable, state is encoded whole: its '&', '=' or '+' stay part of it.
		return target.queryParam("state", "{state}").encode().buildAndExpand(state).toUriString();
	}

	private static void badRequest(HttpServletResponse response, String message) throws IOException {
		response.setStatus(HttpStatus.BAD_REQUEST.value());
		response.setContentType(MediaType.TEXT_PLAIN_VALUE);
		response.getWriter().write(message);
	}

}
