package dev.porter.common;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When an access token whose IdP stated no {@code expires_in} expires. */
class UnstatedLifetimesTests {

	private static final Instant ISSUED = Instant.parse("2026-12-05T10:00:00Z");

	/** Where Spring Security dates a token whose answer had no {@code expires_in}. */
	private static final Instant ONE_SECOND_LATER = ISSUED.plusSeconds(1);

	@Test
	void expiresAtWhenUnstatedAndTheTokenIsOpaqueThenTheAssumedLifetime() {
		assertThat(UnstatedLifetimes.expiresAt("opaque-token", ISSUED, ONE_SECOND_LATER))
			.isEqualTo(ISSUED.plus(UnstatedLifetimes.ASSUMED));
	}

	@Test
	void expiresAtWhenUnstatedAndTheTokenIsAJwtThenItsExp() {
		Instant exp = ISSUED.plus(Duration.ofHours(2));

		assertThat(UnstatedLifetimes.expiresAt(jwtExpiringAt(exp), ISSUED, ONE_SECOND_LATER)).isEqualTo(exp);
	}

	// A JWT that says it has expired is taken at its word, not given minutes more.
	@Test
	void expiresAtWhenUnstatedAndTheJwtHasExpiredThenNoMoreLife() {
		assertThat(UnstatedLifetimes.expiresAt(jwtExpiringAt(ISSUED.minusSeconds(60)), ISSUED, ONE_SECOND_LATER))
			.isEqualTo(ONE_SECOND_LATER);
	}

	@Test
	void expiresAtWhenUnstatedAndTheJwtHasNoExpThenTheAssumedLifetime() {
		String withoutExp = base64Url("{\"alg\":\"RS256\"}") + "." + base64Url("{\"sub\":\"u\"}") + ".c2ln";

		assertThat(UnstatedLifetimes.expiresAt(withoutExp, ISSUED, ONE_SECOND_LATER))
			.isEqualTo(ISSUED.plus(UnstatedLifetimes.ASSUMED));
	}

	@Test
	void expiresAtWhenTheLifetimeWasStatedThenItStands() {
		Instant stated = ISSUED.plusSeconds(30);

		assertThat(UnstatedLifetimes.expiresAt(jwtExpiringAt(ISSUED.plus(Duration.ofHours(2))), ISSUED, stated))
			.isEqualTo(stated);
	}

	private static String jwtExpiringAt(Instant exp) {
		return base64Url("{\"alg\":\"RS256\"}") + "."
				+ base64Url("{\"exp\":" + exp.truncatedTo(ChronoUnit.SECONDS).getEpochSecond() + "}") + ".c2ln";
	}

	private static String base64Url(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
