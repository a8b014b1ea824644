package dev.porter.gateway.logout;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

class LogoutTokenValidatorTests {

	private static final String ISSUER = "https://tenant.auth0.com/";

	private final OAuth2TokenValidator<Jwt> validator = LogoutTokenValidator.forClient(ISSUER, "client-1");

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
			claims.put("iat", Instant.now().minusSeconds(600));
			claims.put("exp", Instant.now().minusSeconds(480));
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

	private static Jwt token(Consumer<Map<String, Object>> customizer) {
		Instant now = Instant.now();
		return Jwt.withTokenValue("t").header("alg", "RS256").claims((claims) -> {
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
