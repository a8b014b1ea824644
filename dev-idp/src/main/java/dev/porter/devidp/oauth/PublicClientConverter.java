package dev.porter.devidp.oauth;

import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.StringUtils;

/**
 * Reads {@code client_id} alone from a refresh or revocation request, as an Auth0 SPA
 * sends them; Spring Authorization Server only knows public clients on the PKCE code
 * exchange. {@link PublicClientProvider} decides whether the client may do this. Only on
 * those two endpoints: client authentication guards others (token introspection), where a
 * public client's {@code client_id}, which anyone can read from the SPA, must not do.
 */
final class PublicClientConverter implements AuthenticationConverter {

	private final RequestMatcher tokenEndpoint;

	private final RequestMatcher revocationEndpoint;

	PublicClientConverter(String tokenEndpointPath, String revocationEndpointPath) {
		this.tokenEndpoint = PathPatternRequestMatcher.withDefaults().matcher(tokenEndpointPath);
		this.revocationEndpoint = PathPatternRequestMatcher.withDefaults().matcher(revocationEndpointPath);
	}

	@Override
	public @Nullable Authentication convert(HttpServletRequest request) {
		String clientId = request.getParameter(OAuth2ParameterNames.CLIENT_ID);
		if (!HttpMethod.POST.matches(request.getMethod()) || !StringUtils.hasText(clientId)
				|| request.getHeader(HttpHeaders.AUTHORIZATION) != null
				|| request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null
				|| request.getParameter(PkceParameterNames.CODE_VERIFIER) != null || !isRefreshOrRevocation(request)) {
			return null;
		}
		Map<String, Object> parameters = new HashMap<>();
		request.getParameterMap().forEach((name, values) -> {
			if (!name.equals(OAuth2ParameterNames.CLIENT_ID)) {
				parameters.put(name, (values.length == 1) ? values[0] : values);
			}
		});
		return new OAuth2ClientAuthenticationToken(clientId, ClientAuthenticationMethod.NONE, null, parameters);
	}

	private boolean isRefreshOrRevocation(HttpServletRequest request) {
		if (this.tokenEndpoint.matches(request)) {
			return AuthorizationGrantType.REFRESH_TOKEN.getValue()
				.equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE));
		}
		return this.revocationEndpoint.matches(request);
	}

}
