package dev.porter.devidp.management;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

class CallerTests {

	@Test
	void ofWhenScopeIsSpaceSeparatedStringThenEachScope() {
		Caller caller = Caller.of(jwt("read:users update:users"));
		assertThat(caller.scopes()).containsExactlyInAnyOrder("read:users", "update:users");
	}

	@Test
	void ofWhenScopeIsArrayThenEachScope() {
		// Spring Authorization Server writes "scope" as a JSON array.
		Caller caller = Caller.of(jwt(List.of("read:users", "update:users")));
		assertThat(caller.scopes()).containsExactlyInAnyOrder("read:users", "update:users");
	}

	@Test
	void mayReadIdpTokensWhenOnlyReadCurrentUserThenFalse() {
		assertThat(Caller.of(jwt("read:current_user")).mayReadIdpTokens()).isFalse();
		assertThat(Caller.of(jwt("read:users")).mayReadIdpTokens()).isTrue();
		assertThat(Caller.of(jwt("read:user_idp_tokens")).mayReadIdpTokens()).isTrue();
	}

	private static Jwt jwt(Object scope) {
		return Jwt.withTokenValue("token")
			.header("alg", "RS256")
			.subject("porter-profile@clients")
			.claim("scope", scope)
			.issuedAt(Instant.now())
			.expiresAt(Instant.now().plusSeconds(60))
			.build();
	}

}
