package dev.porter.devidp.backchannel;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.porter.devidp.config.DevIdpProperties;
import dev.porter.devidp.seed.Seed;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Mints the OIDC Back-Channel Logout token Auth0 would POST to an application, signed
 * with dev-idp's key, so that tests can deliver it to the gateway themselves. Like
 * Auth0's: {@code typ: JWT}, two minutes of life, {@code sid} and/or {@code sub}, and
 * never a {@code nonce}.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html">OpenID
 * Connect Back-Channel Logout 1.0</a>
 */
@RestController
class LogoutTokenController {

	static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

	private static final Duration LIFETIME = Duration.ofSeconds(120);

	private final JwtEncoder encoder;

	private final Seed seed;

	private final String issuer;

	LogoutTokenController(JwtEncoder encoder, Seed seed, DevIdpProperties properties) {
		this.encoder = encoder;
		this.seed = seed;
		this.issuer = properties.issuerString();
	}

	@PostMapping("/dev/logout-token")
	ResponseEntity<?> logoutToken(@RequestBody LogoutTokenRequest request) {
		if (request.clientId() == null || this.seed.client(request.clientId()).isEmpty()) {
			return badRequest("client_id must name a seeded client");
		}
		if (request.sid() == null && request.sub() == null) {
			return badRequest("give sid, sub or both");
		}
		Instant now = Instant.now();
		JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
			.issuer(this.issuer)
			.audience(List.of(request.clientId()))
			.issuedAt(now)
			.expiresAt(now.plus(LIFETIME))
			.id(UUID.randomUUID().toString())
			.claim("events", Map.of(BACKCHANNEL_LOGOUT_EVENT, Map.of()));
		if (request.sid() != null) {
			claims.claim("sid", request.sid());
		}
		if (request.sub() != null) {
			claims.subject(request.sub());
		}
		JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).type("JWT").build();
		String token = this.encoder.encode(JwtEncoderParameters.from(header, claims.build())).getTokenValue();
		return ResponseEntity.ok(Map.of("logout_token", token));
	}

	private static ResponseEntity<ProblemDetail> badRequest(String detail) {
		return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail));
	}

	record LogoutTokenRequest(@JsonProperty("client_id") @Nullable String clientId, @Nullable String sid,
			@Nullable String sub) {
	}

}
