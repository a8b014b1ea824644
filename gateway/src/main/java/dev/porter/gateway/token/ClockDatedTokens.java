package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * Dates a fresh access token on the gateway's clock, keeping the lifetime the IdP stated
 * (or the assumed one, {@link UnstatedLifetimes}). Spring Security dates a token response
 * on the system clock, while every decision on it ({@link AccessTokenExpiry}) reads the
 * injected {@link Clock}: a clock ahead of the system's found each refreshed token
 * already due.
 */
final class ClockDatedTokens {

	private ClockDatedTokens() {
	}

	/** {@code token} as issued now on {@code clock}, with its stated lifetime. */
	static OAuth2AccessToken dated(OAuth2AccessToken token, Clock clock) {
		OAuth2AccessToken stated = UnstatedLifetimes.stated(token);
		Instant issuedAt = stated.getIssuedAt();
		Instant expiresAt = stated.getExpiresAt();
		if (issuedAt == null || expiresAt == null) {
			return stated;
		}
		Instant now = clock.instant();
		return new OAuth2AccessToken(stated.getTokenType(), stated.getTokenValue(), now,
				now.plus(Duration.between(issuedAt, expiresAt)), stated.getScopes());
	}

	/** {@code client} with its access token {@link #dated} on {@code clock}. */
	static OAuth2AuthorizedClient dated(OAuth2AuthorizedClient client, Clock clock) {
		return new OAuth2AuthorizedClient(client.getClientRegistration(), client.getPrincipalName(),
				dated(client.getAccessToken(), clock), client.getRefreshToken());
	}

}
