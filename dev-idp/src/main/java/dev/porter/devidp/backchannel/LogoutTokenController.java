package dev.porter.devidp.backchannel;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.porter.devidp.seed.Seed;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Mints, on request, the OIDC Back-Channel Logout token Auth0 would POST to an
 * application, so that tests can deliver one to the gateway themselves (dev-idp delivers
 * its own when a browser's session ends: {@link LogoutTokenSender}).
 */
@RestController
class LogoutTokenController {

	/**
	 * Well within a logout token's lifetime (120 s), so that the token still validates.
	 */
	static final int MAX_SECONDS_AGO = 60;

	private final LogoutTokens tokens;

	private final Seed seed;

	LogoutTokenController(LogoutTokens tokens, Seed seed) {
		this.tokens = tokens;
		this.seed = seed;
	}

	@PostMapping("/dev/logout-token")
	ResponseEntity<?> logoutToken(@RequestBody LogoutTokenRequest request) {
		if (request.clientId() == null || this.seed.client(request.clientId()).isEmpty()) {
			return badRequest("client_id must name a seeded client");
		}
		if (request.sid() == null && request.sub() == null) {
			return badRequest("give sid, sub or both");
		}
		int secondsAgo = (request.issuedSecondsAgo() != null) ? request.issuedSecondsAgo() : 0;
		if (secondsAgo < 0 || secondsAgo > MAX_SECONDS_AGO) {
			return badRequest("issued_seconds_ago must be between 0 and " + MAX_SECONDS_AGO);
		}
		return ResponseEntity.ok(Map.of("logout_token",
				this.tokens.mint(request.clientId(), request.sid(), request.sub(), Duration.ofSeconds(secondsAgo))));
	}

	private static ResponseEntity<ProblemDetail> badRequest(String detail) {
		return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail));
	}

	/**
	 * @param issuedSecondsAgo how far back to date the token ({@code iat}), 0 to
	 * {@value #MAX_SECONDS_AGO}: a test stands in for an IdP that ended the session a
	 * moment ago, without waiting for the clock
	 */
	record LogoutTokenRequest(@JsonProperty("client_id") @Nullable String clientId, @Nullable String sid,
			@Nullable String sub, @JsonProperty("issued_seconds_ago") @Nullable Integer issuedSecondsAgo) {
	}

}
