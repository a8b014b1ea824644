package dev.porter.gateway.token;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenPropertiesTests {

	private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

	@Test
	void validateWhenBackoffMaxShorterThanBackoffThenViolationNamesTheVariable() {
		assertThat(messages(new TokenProperties(Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(30),
				Duration.ofSeconds(5), Duration.ofSeconds(2))))
			.containsExactly("TOKEN_REFRESH_BACKOFF_MAX must not be shorter than TOKEN_REFRESH_BACKOFF");
	}

	@Test
	void validateWhenRefreshTimeoutZeroThenViolationNamesTheVariable() {
		assertThat(messages(new TokenProperties(Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ZERO,
				Duration.ofSeconds(1), Duration.ofMinutes(1))))
			.containsExactly("TOKEN_REFRESH_TIMEOUT must be between 1ms and 40s");
	}

	@Test
	void validateWhenDefaultsThenNoViolation() {
		assertThat(messages(new TokenProperties(Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(30),
				Duration.ofSeconds(1), Duration.ofMinutes(1))))
			.isEmpty();
	}

	// A short TOKEN_REFRESH_WAIT once shortened the lease too: another instance could
	// take the lock and present the refresh token while this one was still storing the
	// rotated one.
	@Test
	void lockLeaseWhenRequestWaitShortThenStillCoversTheCallAndStoringItsResult() {
		TokenProperties properties = new TokenProperties(Duration.ofSeconds(60), Duration.ofMillis(1),
				Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(1));

		assertThat(properties.lockLease()).isGreaterThanOrEqualTo(
				longestCall(Duration.ofSeconds(30)).plusSeconds(5).plus(SessionRefresh.STORE_MARGIN));
	}

	// The lease and the shutdown's wait counted only TOKEN_REFRESH_TIMEOUT: a refresh
	// that waited for a pooled connection, or whose renewed ID token took its JWKS fetch
	// to
	// check, outlived them, and another instance presented the rotated-away token.
	@Test
	void longestRefreshWhenDefaultsThenCoversSendingAnsweringCheckingAndStoring() {
		TokenProperties properties = new TokenProperties(Duration.ofSeconds(60), Duration.ofSeconds(10),
				Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(1));

		// After the slowest call, 5 s are left to store its result; a failing store is
		// tried until STORE_MARGIN before the lease ends, and the refresh ends with it.
		assertThat(properties.longestRefresh())
			.isGreaterThanOrEqualTo(longestCall(Duration.ofSeconds(30)).plusSeconds(5))
			.isEqualTo(properties.lockLease().minus(SessionRefresh.STORE_MARGIN));
	}

	/** Waiting to be sent, waiting for the answer, checking the renewed ID token. */
	private static Duration longestCall(Duration refreshTimeout) {
		return IdpRefreshCall.SEND_WITHIN.plus(refreshTimeout).plus(RenewedIdTokens.CHECK_WITHIN);
	}

	private Set<String> messages(TokenProperties properties) {
		return this.validator.validate(properties)
			.stream()
			.map(ConstraintViolation::getMessage)
			.collect(Collectors.toSet());
	}

}
