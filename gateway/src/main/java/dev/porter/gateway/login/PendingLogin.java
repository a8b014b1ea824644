package dev.porter.gateway.login;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

/**
 * What the callback needs of the authorization request, as sealed into its login cookie:
 * where the code goes ({@code redirectUri}), the {@code state} to match, and the
 * attributes — registration id, PKCE {@code code_verifier}, {@code nonce}, returnTo. The
 * request's own parameters (challenge, nonce hash, audience) went to the IdP; the
 * callback does not need them.
 *
 * @param expiresAtMillis epoch milliseconds from which the login is void; of a browser's
 * pending logins, the one that expires first was started first
 */
record PendingLogin(String authorizationUri, String clientId, String redirectUri, Set<String> scopes, String state,
		Map<String, String> attributes, long expiresAtMillis) {

	static PendingLogin of(OAuth2AuthorizationRequest request, long expiresAtMillis) {
		Map<String, String> attributes = new LinkedHashMap<>();
		request.getAttributes().forEach((name, value) -> {
			if (value instanceof String text) {
				attributes.put(name, text);
			}
		});
		return new PendingLogin(request.getAuthorizationUri(), request.getClientId(), request.getRedirectUri(),
				request.getScopes(), request.getState(), attributes, expiresAtMillis);
	}

	OAuth2AuthorizationRequest toRequest() {
		return OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri(this.authorizationUri)
			.clientId(this.clientId)
			.redirectUri(this.redirectUri)
			.scopes(this.scopes)
			.state(this.state)
			.attributes((map) -> map.putAll(this.attributes))
			.build();
	}

}
