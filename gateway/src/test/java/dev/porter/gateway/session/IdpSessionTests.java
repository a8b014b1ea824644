package dev.porter.gateway.session;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a login is known to belong to the same IdP session as another. */
class IdpSessionTests {

	@Test
	void includesWhenSameUserAndSidThenYes() {
		assertThat(idpSession("sid-1").includes("auth0|alice", "sid-1")).isTrue();
	}

	@Test
	void includesWhenAnotherSidThenNo() {
		assertThat(idpSession("sid-1").includes("auth0|alice", "sid-2")).isFalse();
	}

	// An IdP without sid: two logins are never known to share an IdP session, and each
	// ended session's refresh token is revoked.
	@Test
	void includesWhenEitherSidUnknownThenNo() {
		assertThat(idpSession(null).includes("auth0|alice", null)).isFalse();
		assertThat(idpSession(null).includes("auth0|alice", "sid-1")).isFalse();
		assertThat(idpSession("sid-1").includes("auth0|alice", null)).isFalse();
	}

	@Test
	void includesWhenAnotherUserWithTheSameSidThenNo() {
		assertThat(idpSession("sid-1").includes("auth0|mallory", "sid-1")).isFalse();
	}

	private static IdpSession idpSession(@Nullable String sid) {
		return new IdpSession("auth0|alice", sid, Instant.parse("2025-06-01T10:00:00Z"));
	}

}
