package dev.porter.devidp.backchannel;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/**
 * Mints the OIDC Back-Channel Logout token Auth0 sends an application, signed with
 * dev-idp's key. Like Auth0's: {@code typ: JWT}, {@code aud} the client id, two minutes
 * of life, a fresh {@code jti}, {@code sid} and/or {@code sub}, and never a
 * {@code nonce}.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html">OpenID
 * Connect Back-Channel Logout 1.0</a>
 */
final class LogoutTokens {

	static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

	private static final Duration LIFETIME = Duration.ofSeconds(120);

	private final JwtEncoder encoder;

	private final String issuer;

	private final InstantSource clock;

	LogoutTokens(JwtEncoder encoder, String issuer, InstantSource clock) {
		this.encoder = encoder;
		this.issuer = issuer;
		this.clock = clock;
	}

	/**
	 * A signed logout token for the client; the caller gives a sid, a subject or both.
	 */
	String mint(String clientId, @Nullable String sid, @Nullable String subject) {
		return mint(clientId, sid, subject, Duration.ZERO);
	}

	/** {@link #mint(String, String, String)}, issued {@code ago} before now. */
	String mint(String clientId, @Nullable String sid, @Nullable String subject, Duration ago) {
		Instant now = this.clock.instant().minus(ago);
		JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
			.issuer(this.issuer)
			.audience(List.of(clientId))
			.issuedAt(now)
			.expiresAt(now.plus(LIFETIME))
			.id(UUID.randomUUID().toString())
			.claim("events", Map.of(BACKCHANNEL_LOGOUT_EVENT, Map.of()));
		if (sid != null) {
			claims.claim("sid", sid);
		}
		if (subject != null) {
			claims.subject(subject);
		}
		JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).type("JWT").build();
		return this.encoder.encode(JwtEncoderParameters.from(header, claims.build())).getTokenValue();
	}

}
