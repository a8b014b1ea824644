package dev.porter.gateway.logout;

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

/**
 * The claim checks of a back-channel {@code logout_token} (the signature is the
 * decoder's): issuer, audience = our client id, {@code iat} present and {@code exp} not
 * passed, the back-channel {@code events} member, a {@code sid} or {@code sub}, and no
 * {@code nonce} — a token with a nonce is an ID token replayed as a logout token.
 *
 * @see <a href=
 * "https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation">Back-Channel
 * Logout 1.0 §2.6</a>
 */
final class LogoutTokenValidator implements OAuth2TokenValidator<Jwt> {

	static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

	private final String clientId;

	private LogoutTokenValidator(String clientId) {
		this.clientId = clientId;
	}

	/** Every check, standard ones (issuer, timestamps) first. */
	static OAuth2TokenValidator<Jwt> forClient(String issuer, String clientId) {
		return new DelegatingOAuth2TokenValidator<>(new JwtIssuerValidator(issuer), new JwtTimestampValidator(),
				new LogoutTokenValidator(clientId));
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt token) {
		List<OAuth2Error> errors = new ArrayList<>();
		if (token.getAudience() == null || !token.getAudience().contains(this.clientId)) {
			errors.add(invalid("aud is not this client"));
		}
		if (token.getIssuedAt() == null || token.getExpiresAt() == null) {
			errors.add(invalid("iat and exp are required"));
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
