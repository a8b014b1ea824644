package dev.porter.gateway.token;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jwt.JWTParser;
import org.jspecify.annotations.Nullable;

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

	/** An opaque token's assumed lifetime: short, as no IdP gives a shorter one. */
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
		Instant lifetimeEnd = (exp != null && exp.isAfter(issuedAt)) ? exp : issuedAt.plus(ASSUMED);
		return new OAuth2AccessToken(token.getTokenType(), token.getTokenValue(), issuedAt, lifetimeEnd,
				token.getScopes());
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
