package dev.porter.common;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jwt.JWTParser;
import org.jspecify.annotations.Nullable;

/**
 * When an access token whose IdP stated no lifetime expires. RFC 6749 (5.1) makes
 * {@code expires_in} recommended, not required, and Spring Security then dates the token
 * to expire one second after it was issued: every use a second later would fetch another
 * (a refresh in the gateway, rotating a refresh token each time; a client-credentials
 * request in profile-service, spending the tenant's token budget). Such a token (exactly
 * one second of life, which no IdP states on purpose) expires at its own {@code exp} when
 * it is a JWT, read only to schedule the next fetch; an opaque one is assumed to live
 * {@link #ASSUMED}.
 */
public final class UnstatedLifetimes {

	/**
	 * An opaque token's assumed lifetime. A token that lives shorter is used past its end
	 * until then (its API answers 401); one that lives longer is replaced early.
	 */
	public static final Duration ASSUMED = Duration.ofMinutes(5);

	/** What Spring Security gives a token whose answer had no {@code expires_in}. */
	private static final Duration UNSTATED = Duration.ofSeconds(1);

	private UnstatedLifetimes() {
	}

	/**
	 * When the token expires: {@code expiresAt} itself when its lifetime was stated (or
	 * either instant is unknown), otherwise its JWT {@code exp} or {@link #ASSUMED} after
	 * {@code issuedAt}.
	 * @param tokenValue the access token as issued
	 * @param issuedAt when Spring Security received it
	 * @param expiresAt when Spring Security dated it to expire
	 */
	public static Instant expiresAt(String tokenValue, Instant issuedAt, Instant expiresAt) {
		if (issuedAt == null || expiresAt == null || !Duration.between(issuedAt, expiresAt).equals(UNSTATED)) {
			return expiresAt;
		}
		Instant exp = jwtExpiry(tokenValue);
		if (exp != null && !exp.isAfter(issuedAt)) {
			// a JWT that says it has expired: its one second of life is the truer figure
			return expiresAt;
		}
		return (exp != null) ? exp : issuedAt.plus(ASSUMED);
	}

	// Not verified: the token is ours, straight from the IdP's token endpoint, and the
	// expiry only decides when to fetch the next one.
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
