package dev.porter.gateway.token;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jwt.JWTParser;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * Gives a lifetime to an access token whose IdP stated none. RFC 6749 (5.1) makes
 * {@code expires_in} recommended, not required, and Spring Security then dates the token
 * to expire one second after it was issued: every request a second later would refresh
 * it, rotating a refresh token each time. Such a token (exactly one second of life, which
 * no IdP states on purpose) expires at its own {@code exp} when it is a JWT, read only to
 * schedule the refresh; an opaque one is assumed to live {@link #ASSUMED}.
 */
final class UnstatedLifetimes {

	/**
	 * An opaque token's assumed lifetime. A token that lives shorter is relayed past its
	 * end until then (the API answers 401); one that lives longer is refreshed early.
	 */
	static final Duration ASSUMED = Duration.ofMinutes(5);

	/** What Spring Security gives a token whose answer had no {@code expires_in}. */
	private static final Duration UNSTATED = Duration.ofSeconds(1);

	private UnstatedLifetimes() {
	}

	/** {@code token} itself when its lifetime was stated; otherwise a copy with one. */
	static OAuth2AccessToken stated(OAuth2AccessToken token) {
		Instant issuedAt = token.getIssuedAt();
		Instant expiresAt = token.getExpiresAt();
		if (issuedAt == null || expiresAt == null || !Duration.between(issuedAt, expiresAt).equals(UNSTATED)) {
			return token;
		}
		Instant exp = jwtExpiry(token.getTokenValue());
		if (exp != null && !exp.isAfter(issuedAt)) {
			// a JWT that says it has expired: its one second of life is the truer figure
			return token;
		}
		Instant lifetimeEnd = (exp != null) ? exp : issuedAt.plus(ASSUMED);
		return new OAuth2AccessToken(token.getTokenType(), token.getTokenValue(), issuedAt, lifetimeEnd,
				token.getScopes());
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

	// Not verified: the token is ours, straight from the IdP's token endpoint, and the
	// expiry only decides when to refresh it.
	private static @Nullable Instant jwtExpiry(String token) {
		if (token.chars().filter((c) -> c == '.').count() != 2) {
			return null;
		}
		try {
			Date exp = JWTParser.parse(token).getJWTClaimsSet().getExpirationTime();
			return (exp != null) ? exp.toInstant() : null;
		}
		catch (ParseException | RuntimeException ex) {
			return null;
		}
	}

}
