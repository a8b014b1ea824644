package dev.porter.gateway.logout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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

	private static final String WRONG_AUDIENCE = "aud is not this client";

	private static final String NO_IAT = "iat is required";

	private static final String IAT_FAR = "iat is too far from now";

	private static final String NO_JTI = "jti is required";

	private static final String NO_EVENT = "events has no back-channel logout member";

	private static final String NO_SID_OR_SUB = "sid or sub is required";

	private static final String NONCE = "a logout token must not carry a nonce";

	/**
	 * What a failed check is logged as when it is none of those {@link #reason} knows.
	 */
	private static final String OTHER_CHECK = "another claim check failed";

	private static final Set<String> OWN_REASONS = Set.of(WRONG_AUDIENCE, NO_IAT, IAT_FAR, NO_JTI, NO_EVENT,
			NO_SID_OR_SUB, NONCE);

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
			errors.add(invalid(WRONG_AUDIENCE));
		}
		Instant issuedAt = token.getIssuedAt();
		Instant now = this.clock.instant();
		// exp is not required, though Back-Channel Logout 1.0 requires it: Ory Hydra
		// sends
		// none and never retries a refusal. iat bounds the token's life as exp would
		// (MAX_AGE), and Spring's timestamp check applies exp when there is one.
		if (issuedAt == null) {
			errors.add(invalid(NO_IAT));
		}
		else if (issuedAt.isBefore(now.minus(MAX_AGE)) || issuedAt.isAfter(now.plus(CLOCK_SKEW))) {
			errors.add(invalid(IAT_FAR));
		}
		String jti = token.getId();
		if (jti == null || jti.isBlank() || jti.length() > MAX_JTI_LENGTH) {
			errors.add(invalid(NO_JTI));
		}
		if (!(token.getClaims().get("events") instanceof Map<?, ?> events)
				|| !events.containsKey(BACKCHANNEL_LOGOUT_EVENT)) {
			errors.add(invalid(NO_EVENT));
		}
		if (token.getClaimAsString("sid") == null && token.getSubject() == null) {
			errors.add(invalid(NO_SID_OR_SUB));
		}
		if (token.hasClaim("nonce")) {
			errors.add(invalid(NONCE));
		}
		return errors.isEmpty() ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(errors);
	}

	/**
	 * The reason a failed check is logged under, one of a fixed set: the throttled log
	 * keeps a counter per reason. Our checks' descriptions are fixed; Spring's timestamp
	 * check names the instant (each token a reason of its own), so its reasons are named
	 * here, as are its type and issuer checks', which could change wording.
	 */
	static String reason(OAuth2Error error) {
		String description = Objects.toString(error.getDescription(), "");
		if (OWN_REASONS.contains(description)) {
			return description;
		}
		if (description.startsWith("Jwt expired at")) {
			return "exp has passed";
		}
		if (description.startsWith("Jwt used before")) {
			return "nbf is in the future";
		}
		if (description.startsWith("the given typ value")) {
			return "typ is not that of a logout token";
		}
		if (description.equals("The iss claim is not valid")) {
			return "iss is not the IdP";
		}
		return OTHER_CHECK;
	}

	private static OAuth2Error invalid(String description) {
		return new OAuth2Error("invalid_request", description, null);
	}

}
