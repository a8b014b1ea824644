package dev.porter.gateway.token;

import java.time.Instant;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * Gives a lifetime to an access token whose IdP stated none, by
 * {@link dev.porter.common.UnstatedLifetimes}'s rule: without one, Spring Security dates
 * the token to expire one second after it was issued, and every request a second later
 * would refresh it, rotating a refresh token each time.
 */
final class UnstatedLifetimes {

	private UnstatedLifetimes() {
	}

	/** {@code token} itself when its lifetime was stated; otherwise a copy with one. */
	static OAuth2AccessToken stated(OAuth2AccessToken token) {
		Instant expiresAt = dev.porter.common.UnstatedLifetimes.expiresAt(token.getTokenValue(), token.getIssuedAt(),
				token.getExpiresAt());
		return (expiresAt == token.getExpiresAt()) ? token : new OAuth2AccessToken(token.getTokenType(),
				token.getTokenValue(), token.getIssuedAt(), expiresAt, token.getScopes());
	}

	/**
	 * {@code client} itself when its token's lifetime was stated; otherwise a copy with
	 * one.
	 */
	static OAuth2AuthorizedClient stated(OAuth2AuthorizedClient client) {
		OAuth2AccessToken token = client.getAccessToken();
		OAuth2AccessToken stated = stated(token);
		return (stated == token) ? client : new OAuth2AuthorizedClient(client.getClientRegistration(),
				client.getPrincipalName(), stated, client.getRefreshToken());
	}

}
