package dev.porter.devidp.oauth;

import java.io.IOException;
import java.util.Arrays;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Answers {@code /authorize?prompt=none} without an IdP session with
 * {@code error=login_required} at the client's redirect URI instead of the login form
 * (OIDC Core 3.1.2.6). Spring Authorization Server 7.1 runs its authorization endpoint
 * after the authorization filter, so an anonymous request reaches this entry point before
 * the endpoint could answer it; the request's parameters have already been validated by
 * then, and the redirect URI is checked again here all the same.
 *
 * @see <a href=
 * "https://openid.net/specs/openid-connect-core-1_0.html#AuthError">Authentication Error
 * Response</a>
 */
final class PromptNoneEntryPoint implements AuthenticationEntryPoint {

	private final RegisteredClientRepository clients;

	private final AuthenticationEntryPoint login;

	PromptNoneEntryPoint(RegisteredClientRepository clients, AuthenticationEntryPoint login) {
		this.clients = clients;
		this.login = login;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
			throws IOException, ServletException {
		String redirectUri = promptNoneRedirectUri(request);
		if (redirectUri == null) {
			this.login.commence(request, response, exception);
			return;
		}
		UriComponentsBuilder error = UriComponentsBuilder.fromUriString(redirectUri)
			.queryParam(OAuth2ParameterNames.ERROR, "login_required")
			.queryParam(OAuth2ParameterNames.ERROR_DESCRIPTION, "Login required");
		String state = request.getParameter(OAuth2ParameterNames.STATE);
		if (state != null) {
			error.queryParam(OAuth2ParameterNames.STATE, state);
		}
		response.sendRedirect(error.encode().build().toUriString());
	}

	private @Nullable String promptNoneRedirectUri(HttpServletRequest request) {
		String prompt = request.getParameter("prompt");
		String scope = request.getParameter(OAuth2ParameterNames.SCOPE);
		String clientId = request.getParameter(OAuth2ParameterNames.CLIENT_ID);
		if (prompt == null || scope == null || clientId == null || !Arrays.asList(prompt.split(" ")).contains("none")
				|| !Arrays.asList(scope.split(" ")).contains(OidcScopes.OPENID)) {
			return null;
		}
		RegisteredClient client = this.clients.findByClientId(clientId);
		if (client == null) {
			return null;
		}
		String redirectUri = request.getParameter(OAuth2ParameterNames.REDIRECT_URI);
		if (redirectUri == null && client.getRedirectUris().size() == 1) {
			return client.getRedirectUris().iterator().next();
		}
		return client.getRedirectUris().contains(redirectUri) ? redirectUri : null;
	}

}
