package dev.porter.gateway.logout;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

class LogoutTokenValidatorTests {

	private static final String ISSUER = "https://tenant.auth0.com/";

	/** The longest jti the validator accepts (its MAX_JTI_LENGTH). */
	private static final int MAX_JTI_LENGTH = 256;

	private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

	private final OAuth2TokenValidator<Jwt> validator = LogoutTokenValidator.forClient(ISSUER, "client-1",
			Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void validateWhenAuth0ShapedTokenThenValid() {
		assertThat(this.validator.validate(token((claims) -> {
		})).hasErrors()).isFalse();
	}

	@Test
	void validateWhenOnlySubThenValid() {
		assertThat(this.validator.validate(token((claims) -> claims.remove("sid"))).hasErrors()).isFalse();
	}

	@Test
	void validateWhenNeitherSidNorSubThenInvalid() {
		assertThat(this.validator.validate(token((claims) -> {
			claims.remove("sid");
			claims.remove("sub");
		})).hasErrors()).isTrue();
	}

	@Test
	void validateWhenNonceThenInvalid() {
		assertThat(this.validator.validate(token((claims) -> claims.put("nonce", "n"))).hasErrors()).isTrue();
	}

	@Test
	void validateWhenOtherAudienceThenInvalid() {
		assertThat(this.validator.validate(token((claims) -> claims.put("aud", List.of("client-2")))).hasErrors())
			.isTrue();
	}

	@Test
	void validateWhenOtherIssuerThenInvalid() {
		assertThat(this.validator.validate(token((claims) -> claims.put("iss", "https://evil.example/"))).hasErrors())
			.isTrue();
	}

	@Test
	void validateWhenExpiredThenInvalid() {
		assertThat(this.validator.validate(token((claims) -> {
			claims.put("iat", NOW.minusSeconds(300));
			claims.put("exp", NOW.minusSeconds(180));
		})).hasErrors()).isTrue();
	}

	@Test
	void validateWhenEventsLackBackchannelMemberThenInvalid() {
		assertThat(
				this.validator.validate(token((claims) -> claims.put("events", Map.of("other", Map.of())))).hasErrors())
			.isTrue();
	}

	@Test
	void validateWhenIatMissingThenInvalid() {
		assertThat(this.validator.validate(token((claims) -> claims.remove("iat"))).hasErrors()).isTrue();
	}

	@Test
	void validateWhenJtiMissingThenInvalid() {
		assertThat(this.validator.validate(token((claims) -> claims.remove("jti"))).hasErrors()).isTrue();
	}

	// Ory Hydra sends none; iat bounds such a token's life (MAX_AGE) as exp would.
	@Test
	void validateWhenExpMissingThenValid() {
		assertThat(this.validator.validate(token((claims) -> claims.remove("exp"))).hasErrors()).isFalse();
	}

	@Test
	void validateWhenExpMissingAndIssuedElevenMinutesAgoThenInvalid() {
		assertThat(this.validator.validate(token((claims) -> {
			claims.remove("exp");
			claims.put("iat", NOW.minusSeconds(660));
		})).hasErrors()).isTrue();
	}

	@Test
	void validateWhenJtiBlankThenInvalid() {
		assertThat(this.validator.validate(token((claims) -> claims.put("jti", " "))).hasErrors()).isTrue();
	}

	// Every jti is remembered until its token is stale: its length bounds that memory.
	@Test
	void validateWhenJtiLongerThanKeptThenInvalid() {
		assertThat(this.validator.validate(token((claims) -> claims.put("jti", "j".repeat(MAX_JTI_LENGTH + 1))))
			.hasErrors()).isTrue();
	}

	@Test
	void validateWhenJtiAsLongAsKeptThenValid() {
		assertThat(
				this.validator.validate(token((claims) -> claims.put("jti", "j".repeat(MAX_JTI_LENGTH)))).hasErrors())
			.isFalse();
	}

	@Test
	void validateWhenIssuedElevenMinutesAgoThoughNotExpiredThenInvalid() {
		assertThat(this.validator.validate(token((claims) -> {
			claims.put("iat", NOW.minusSeconds(660));
			claims.put("exp", NOW.plusSeconds(3600));
		})).hasErrors()).isTrue();
	}

	@Test
	void validateWhenIssuedNineMinutesAgoAndNotExpiredThenValid() {
		assertThat(this.validator.validate(token((claims) -> {
			claims.put("iat", NOW.minusSeconds(540));
			claims.put("exp", NOW.plusSeconds(3600));
		})).hasErrors()).isFalse();
	}

	@Test
	void validateWhenIssuedInTheFutureBeyondSkewThenInvalid() {
		assertThat(this.validator.validate(token((claims) -> {
			claims.put("iat", NOW.plusSeconds(120));
			claims.put("exp", NOW.plusSeconds(240));
		})).hasErrors()).isTrue();
	}

	@Test
	void validateWhenTypIsAccessTokenThenInvalid() {
		assertThat(this.validator.validate(token((claims) -> {
		}, "at+jwt")).hasErrors()).isTrue();
	}

	@Test
	void validateWhenTypIsLogoutJwtThenValid() {
		assertThat(this.validator.validate(token((claims) -> {
		}, "logout+jwt")).hasErrors()).isFalse();
	}

	/**
	 * Each failure is logged under a reason of a fixed set: Spring's checks word theirs
	 * (the timestamp check naming the instant), and a change of wording would log them
	 * all as one unknown reason.
	 */
	@Test
	void reasonWhenEachCheckFailsThenNamedWithoutTheTokensValues() {
		assertThat(reasons(token((claims) -> {
			claims.put("iat", NOW.minusSeconds(900));
			claims.put("exp", NOW.minusSeconds(780));
			claims.put("iss", "https://evil.example/");
			claims.put("aud", List.of("client-2"));
			claims.remove("jti");
			claims.remove("sid");
			claims.remove("sub");
			claims.put("events", Map.of());
			claims.put("nonce", "n");
		}, "at+jwt"))).containsExactlyInAnyOrder("typ is not that of a logout token", "iss is not the IdP",
				"exp has passed", "aud is not this client", "iat is too far from now", "jti is required",
				"events has no back-channel logout member", "sid or sub is required",
				"a logout token must not carry a nonce");
		assertThat(reasons(token((claims) -> claims.remove("iat")))).containsExactly("iat is required");
		// Spring's timestamp check names one failure: exp's when there is one
		assertThat(reasons(token((claims) -> claims.put("nbf", NOW.plusSeconds(600)))))
			.containsExactly("nbf is in the future");
	}

	private List<String> reasons(Jwt token) {
		return this.validator.validate(token).getErrors().stream().map(LogoutTokenValidator::reason).toList();
	}

	@Test
	void rememberUntilWhenExpLongAfterMaxAgeThenIatPlusMaxAgePlusSkew() {
		Jwt token = token((claims) -> claims.put("exp", NOW.plusSeconds(86_400)));
		assertThat(LogoutTokenValidator.rememberUntil(token))
			.isEqualTo(NOW.plus(LogoutTokenValidator.MAX_AGE).plus(LogoutTokenValidator.CLOCK_SKEW));
	}

	@Test
	void rememberUntilWhenNoExpThenIatPlusMaxAgePlusSkew() {
		Jwt token = token((claims) -> claims.remove("exp"));
		assertThat(LogoutTokenValidator.rememberUntil(token))
			.isEqualTo(NOW.plus(LogoutTokenValidator.MAX_AGE).plus(LogoutTokenValidator.CLOCK_SKEW));
	}

	@Test
	void rememberUntilWhenExpBeforeMaxAgeThenExpPlusSkew() {
		Jwt token = token((claims) -> {
		});
		assertThat(LogoutTokenValidator.rememberUntil(token))
			.isEqualTo(NOW.plusSeconds(120).plus(LogoutTokenValidator.CLOCK_SKEW));
	}

	private static Jwt token(Consumer<Map<String, Object>> customizer) {
		return token(customizer, null);
	}

	private static Jwt token(Consumer<Map<String, Object>> customizer, String typ) {
		Instant now = NOW;
		Jwt.Builder builder = Jwt.withTokenValue("t").header("alg", "RS256");
		if (typ != null) {
			builder.header("typ", typ);
		}
		return builder.claims((claims) -> {
			claims.put("iss", ISSUER);
			claims.put("sub", "auth0|602e93db83fa6f00749a23e6");
			claims.put("aud", List.of("client-1"));
			claims.put("iat", now);
			claims.put("exp", now.plusSeconds(120));
			claims.put("jti", "44a91215");
			claims.put("events", Map.of(LogoutTokenValidator.BACKCHANNEL_LOGOUT_EVENT, Map.of()));
			claims.put("sid", "375UIp_ID5mCTClIeBEHpXfGwq51tF_L");
			customizer.accept(claims);
		}).build();
	}

}
