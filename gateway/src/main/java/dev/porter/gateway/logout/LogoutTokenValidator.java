package dev.porter.gateway.logout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;

/**
 * The claim checks of a back-channel {@code logout_token} (the signature is the
 * decoder's): {@code typ} absent, {@code JWT} (Auth0) or {@code logout+jwt} (so an access
 * token cannot pass for one), issuer, audience = our client id, {@code exp} (if any) not
 * passed, {@code iat} no older than {@link #MAX_AGE} and not in the future, a {@code jti}
 * (the replay check needs it), the back-channel {@code events} member, a {@code sid} or
 * {@code sub}, and no {@code nonce}: a token with a nonce is an ID token someone replays
 * as a logout token.
 *
 * @see <a href=
 * "https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation">Back-Channel
 * Logout 1.0 §2.6</a>
 */
final class LogoutTokenValidator implements OAuth2TokenValidator<Jwt> {

	static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

	/**
	 * How old a logout token may be. Auth0's live two minutes and are delivered within
	 * seconds; a token issued long ago is stale whatever its {@code exp} says, and every
	 * jti must be remembered as long as its token passes, so this also bounds the memory
	 * the seen tokens take.
	 */
	static final Duration MAX_AGE = Duration.ofMinutes(10);

	/** The clock skew tolerated between the IdP and us (as for {@code exp}). */
	static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

	/** The longest {@code jti} we keep; IdPs use UUIDs or similar. */
	private static final int MAX_JTI_LENGTH = 256;

	private final String clientId;

	private final Clock clock;

	private LogoutTokenValidator(String clientId, Clock clock) {
		this.clientId = clientId;
		this.clock = clock;
	}

	/** Every check, standard ones (type, issuer, timestamps) first. */
	static OAuth2TokenValidator<Jwt> forClient(String issuer, String clientId, Clock clock) {
		JwtTypeValidator type = new JwtTypeValidator("JWT", "logout+jwt", "application/logout+jwt");
		type.setAllowEmpty(true);
		JwtTimestampValidator timestamps = new JwtTimestampValidator(CLOCK_SKEW);
		timestamps.setClock(clock);
		return new DelegatingOAuth2TokenValidator<>(type, new JwtIssuerValidator(issuer), timestamps,
				new LogoutTokenValidator(clientId, clock));
	}

	/**
	 * Until when the token's jti must be remembered: past that, the token fails
	 * {@link #MAX_AGE} or {@code exp} whether replayed or not.
	 */
	static Instant rememberUntil(Jwt token) {
		Instant issuedAt = token.getIssuedAt();
		if (issuedAt == null) {
			throw new IllegalArgumentException("validate the token first");
		}
		Instant stale = issuedAt.plus(MAX_AGE);
		Instant expiresAt = token.getExpiresAt();
		return (expiresAt != null && expiresAt.isBefore(stale) ? expiresAt : stale).plus(CLOCK_SKEW);
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt token) {
		List<OAuth2Error> errors = new ArrayList<>();
		if (token.getAudience() == null || !token.getAudience().contains(this.clientId)) {
			errors.add(invalid("aud is not this client"));
		}
		Instant issuedAt = token.getIssuedAt();
		Instant now = this.clock.instant();
		// exp is not required, though Back-Channel Logout 1.0 requires it: Ory Hydra
		// sends
		// none and never retries a refusal. iat bounds the token's life as exp would
		// (MAX_AGE), and Spring's timestamp check applies exp when there is one.
		if (issuedAt == null) {
			errors.add(invalid("iat is required"));
		}
		else if (issuedAt.isBefore(now.minus(MAX_AGE)) || issuedAt.isAfter(now.plus(CLOCK_SKEW))) {
			errors.add(invalid("iat is too far from now"));
		}
		String jti = token.getId();
		if (jti == null || jti.isBlank() || jti.length() > MAX_JTI_LENGTH) {
			errors.add(invalid("jti is required"));
		}
		if (!(token.getClaims().get("events") instanceof Map<?, ?> events)
				|| !events.containsKey(BACKCHANNEL_LOGOUT_EVENT)) {
			errors.add(invalid("events has no back-channel logout member"));
		}
		if (token.getClaimAsString("sid") == null && token.getSubject() == null) {
			errors.add(invalid("sid or sub is required"));
		}
		if (token.hasClaim("nonce")) {
			errors.add(invalid("a logout token must not carry a nonce"));
		}
		return errors.isEmpty() ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(errors);
	}

	private static OAuth2Error invalid(String description) {
		return new OAuth2Error("invalid_request", description, null);
	}

}
