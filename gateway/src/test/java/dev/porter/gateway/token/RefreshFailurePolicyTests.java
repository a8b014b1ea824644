package dev.porter.gateway.token;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.TestRegistrations;
import io.lettuce.core.RedisCommandExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.test.StepVerifier;

import org.springframework.data.redis.RedisSystemException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a failed refresh means, for the session and for the request, on a MovableClock.
 */
class RefreshFailurePolicyTests {

	private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

	private final MovableClock clock = new MovableClock(NOW);

	private final TokenProperties properties = new TokenProperties(Duration.ofSeconds(60), Duration.ofSeconds(10),
			Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(8));

	private final RefreshFailurePolicy policy = new RefreshFailurePolicy(this.properties,
			new AccessTokenExpiry(this.clock, this.properties.refreshAhead()), this.clock);

	@Test
	void afterFailureWhenRefreshTokenRejectedThenSessionEnds() {
		OAuth2AuthorizationException rejected = new OAuth2AuthorizationException(
				new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT));

		assertThat(this.policy.afterFailure(rejected, RefreshBackoff.NONE))
			.isInstanceOf(RefreshFailurePolicy.EndSession.class);
	}

	@ParameterizedTest
	@CsvSource({ "400, invalid_grant", "403, invalid_grant", "403, mfa_required", "400, interaction_required",
			"400, login_required", "400, consent_required", "400, account_selection_required", "400, invalid_scope" })
	void afterFailureWhenTokenEndpointRefusesForGoodThenSessionEnds(int status, String error) {
		assertThat(this.policy.afterFailure(answer(status, error), RefreshBackoff.NONE))
			.isEqualTo(new RefreshFailurePolicy.EndSession(error));
	}

	// RFC 6749 reserves 401 for a client that failed to authenticate, but the body's code
	// says more: some Ory Hydra (fosite) versions answer a reused or rotated-away refresh
	// token with 401 token_inactive, and an IdP may send invalid_grant with 401. Taken
	// for a rejected client, the session backed off for ever with an error log pointing
	// at OIDC_CLIENT_SECRET; the token is dead, so the session ends without revoking it.
	@ParameterizedTest
	@CsvSource({ "401, invalid_grant", "401, token_inactive", "400, token_inactive", "403, token_inactive" })
	void afterFailureWhenTokenEndpointSaysTheRefreshTokenIsDeadWhateverTheStatusThenSessionEnds(int status,
			String error) {
		RefreshFailurePolicy.Consequence consequence = this.policy.afterFailure(answer(status, error),
				RefreshBackoff.NONE);

		assertThat(consequence).isEqualTo(new RefreshFailurePolicy.EndSession(error));
		assertThat(((RefreshFailurePolicy.EndSession) consequence).tokenMayLive()).isFalse();
	}

	// Dex answers a dead refresh token (its offline session revoked, past
	// validIfNotUsedFor or absoluteLifetime, a rotated-away token presented again) with
	// 400 invalid_request, not invalid_grant. Taken for a passing failure, the session
	// backed off for good, its requests answered 503 until it timed out. The gateway's
	// refresh request is the same every time, so no retry changes what the IdP finds
	// wrong with it; the token may still work (Dex's 400 does not say which fault it is),
	// so it is revoked.
	@ParameterizedTest
	@CsvSource({ "400, invalid_request", "403, invalid_request" })
	void afterFailureWhenTokenEndpointFindsTheRefreshRequestInvalidThenSessionEndsAndTheTokenMayLive(int status,
			String error) {
		RefreshFailurePolicy.Consequence consequence = this.policy.afterFailure(answer(status, error),
				RefreshBackoff.NONE);

		assertThat(consequence).isEqualTo(new RefreshFailurePolicy.EndSession(error));
		assertThat(((RefreshFailurePolicy.EndSession) consequence).tokenMayLive()).isTrue();
	}

	@ParameterizedTest
	@CsvSource({ "401, mfa_required", "401, login_required", "401, invalid_scope" })
	void afterFailureWhenA401NamesARefusalOfTheGrantThenSessionEndsAsThatRefusal(int status, String error) {
		assertThat(this.policy.afterFailure(answer(status, error), RefreshBackoff.NONE))
			.isEqualTo(new RefreshFailurePolicy.EndSession(error));
	}

	// Auth0 answers both an Action's api.access.deny() and an Action that failed (its
	// roles API timed out, an uncaught error) on refresh with 403 access_denied: a first
	// one backs off like a failing IdP, and only a second one in a row, after that
	// backoff, ends the session.
	@Test
	void afterFailureWhenAccessDeniedThenBacksOffAndWhenDeniedAgainAfterTheBackoffThenSessionEnds() {
		RefreshFailurePolicy.Consequence first = this.policy.afterFailure(answer(403, "access_denied"),
				RefreshBackoff.NONE);

		assertThat(first)
			.isEqualTo(new RefreshFailurePolicy.BackOff(new RefreshBackoff(1, NOW.plusSeconds(1), true), false));
		this.clock.advance(Duration.ofSeconds(1));
		RefreshFailurePolicy.Consequence second = this.policy.afterFailure(answer(403, "access_denied"),
				((RefreshFailurePolicy.BackOff) first).next());
		assertThat(second).isEqualTo(new RefreshFailurePolicy.EndSession("access_denied"));
		assertThat(((RefreshFailurePolicy.EndSession) second).tokenMayLive()).as("a denial may be lifted").isTrue();
	}

	@Test
	void afterFailureWhenAccessDeniedAfterAnotherFailureThenBacksOffAsAFirstDenial() {
		RefreshBackoff afterTimeout = ((RefreshFailurePolicy.BackOff) this.policy.afterFailure(new TimeoutException(),
				RefreshBackoff.NONE))
			.next();
		this.clock.advance(Duration.ofSeconds(1));

		assertThat(this.policy.afterFailure(answer(403, "access_denied"), afterTimeout))
			.isEqualTo(new RefreshFailurePolicy.BackOff(new RefreshBackoff(2, NOW.plusSeconds(3), true), false));
	}

	@Test
	void afterFailureWhenAnotherFailureFollowsADenialThenTheNextDenialIsAFirstOneAgain() {
		RefreshBackoff denied = new RefreshBackoff(1, NOW, true);

		RefreshBackoff afterTimeout = ((RefreshFailurePolicy.BackOff) this.policy.afterFailure(new TimeoutException(),
				denied))
			.next();

		assertThat(afterTimeout.lastDenied()).isFalse();
		assertThat(this.policy.afterFailure(answer(403, "access_denied"), afterTimeout))
			.isInstanceOf(RefreshFailurePolicy.BackOff.class);
	}

	@ParameterizedTest
	@CsvSource({ "401, access_denied", "401, invalid_client", "400, invalid_client", "401, unauthorized_client",
			"400, unauthorized_client", "401, invalid_request", "401, invalid_token_response", "401, unauthorized" })
	void afterFailureWhenTokenEndpointRejectsTheClientThenBacksOffAsAClientFault(int status, String error) {
		assertThat(this.policy.afterFailure(answer(status, error), RefreshBackoff.NONE))
			.isEqualTo(new RefreshFailurePolicy.BackOff(new RefreshBackoff(1, NOW.plusSeconds(1)), true));
	}

	@ParameterizedTest
	@CsvSource({ "500, server_error", "503, temporarily_unavailable", "429, too_many_requests", "503, access_denied",
			"502, invalid_grant", "500, invalid_request", "400, invalid_token_response" })
	void afterFailureWhenTokenEndpointFailsForNowThenBacksOff(int status, String error) {
		assertThat(this.policy.afterFailure(answer(status, error), RefreshBackoff.NONE))
			.isEqualTo(new RefreshFailurePolicy.BackOff(new RefreshBackoff(1, NOW.plusSeconds(1)), false));
	}

	// A tenant-wide 429 with Retry-After: 60 got six retries a minute per session, each
	// spending the bucket that logins share: the session waits as long as the IdP asked
	// when that is longer than its own backoff.
	@ParameterizedTest
	@CsvSource({ "429, too_many_requests", "503, temporarily_unavailable" })
	void afterFailureWhenTheIdpAskedForALongerWaitThenTheSessionWaitsThatLong(int status, String error) {
		assertThat(this.policy.afterFailure(askingToWait(status, error, Duration.ofSeconds(60)), RefreshBackoff.NONE))
			.isEqualTo(new RefreshFailurePolicy.BackOff(new RefreshBackoff(1, NOW.plusSeconds(60)), false));
	}

	@Test
	void afterFailureWhenTheIdpAskedForAShorterWaitThenTheSessionsOwnBackoff() {
		RefreshBackoff third = new RefreshBackoff(2, NOW);

		assertThat(this.policy.afterFailure(askingToWait(429, "too_many_requests", Duration.ofSeconds(2)), third))
			.isEqualTo(new RefreshFailurePolicy.BackOff(new RefreshBackoff(3, NOW.plusSeconds(4)), false));
	}

	@Test
	void afterFailureWhenTheIdpAskedForAVeryLongWaitThenAtMostFiveMinutes() {
		assertThat(this.policy.afterFailure(askingToWait(429, "too_many_requests", Duration.ofDays(365)),
				RefreshBackoff.NONE))
			.isEqualTo(new RefreshFailurePolicy.BackOff(
					new RefreshBackoff(1, NOW.plus(RefreshFailurePolicy.MAX_ASKED_WAIT)), false));
		assertThat(RefreshFailurePolicy.MAX_ASKED_WAIT).isEqualTo(Duration.ofMinutes(5));
	}

	// With Redis a backoff written by one instance is read by another, on its own clock:
	// one 10 s behind read the IdP's 5 minutes as 5 min 10 s, took that for a clock
	// stepped back, and refreshed at once, into the rate limit the IdP had announced.
	@ParameterizedTest
	@CsvSource({ "-10, 310", "10, 290", "-30, 330" })
	void backingOffWhenAnotherInstanceSetTheLongestWaitOnAClockSecondsApartThenItHolds(long skewSeconds,
			long leftSeconds) {
		RefreshFailurePolicy.Consequence written = this.policy
			.afterFailure(askingToWait(429, "too_many_requests", Duration.ofMinutes(10)), RefreshBackoff.NONE);
		RefreshBackoff stored = ((RefreshFailurePolicy.BackOff) written).next();

		assertThat(otherInstance(skewSeconds).backingOff(stored)).isEqualTo(Duration.ofSeconds(leftSeconds));
	}

	// The allowance for the instances' clocks is not a step: a clock a minute behind the
	// one that wrote the backoff has stepped back, and the wait is over.
	@Test
	void backingOffWhenReadOnAClockAMinuteBehindTheWritersThenOver() {
		RefreshFailurePolicy.Consequence written = this.policy
			.afterFailure(askingToWait(429, "too_many_requests", Duration.ofMinutes(10)), RefreshBackoff.NONE);
		RefreshBackoff stored = ((RefreshFailurePolicy.BackOff) written).next();

		assertThat(otherInstance(-60).backingOff(stored)).isZero();
	}

	private RefreshFailurePolicy otherInstance(long skewSeconds) {
		MovableClock other = new MovableClock(NOW.plusSeconds(skewSeconds));
		return new RefreshFailurePolicy(this.properties, new AccessTokenExpiry(other, this.properties.refreshAhead()),
				other);
	}

	@Test
	void afterFailureWhenIdpFailsOtherwiseThenBackoffDoublesFromNowUpToTheMax() {
		RefreshBackoff backoff = RefreshBackoff.NONE;
		for (long seconds : new long[] { 1, 2, 4, 8, 8 }) {
			RefreshFailurePolicy.Consequence consequence = this.policy.afterFailure(new TimeoutException(), backoff);
			assertThat(consequence).isInstanceOf(RefreshFailurePolicy.BackOff.class);
			backoff = ((RefreshFailurePolicy.BackOff) consequence).next();
			assertThat(backoff.notBefore()).isEqualTo(NOW.plusSeconds(seconds));
		}
		assertThat(backoff.failures()).isEqualTo(5);
	}

	@Test
	void retryAfterWhenBackingOffThenWhatIsLeftOfItOtherwiseTheFirstBackoff() {
		assertThat(this.policy.retryAfter(new BackingOff(Duration.ofSeconds(7)))).isEqualTo(Duration.ofSeconds(7));
		assertThat(this.policy.retryAfter(new TimeoutException())).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void withoutFreshTokenWhenAccessTokenStillValidThenRelaysItUntilFiveSecondsBeforeItsExpiry() {
		OAuth2AuthorizedClient current = client(NOW.plusSeconds(30));

		StepVerifier.create(this.policy.withoutFreshToken(current, Duration.ofSeconds(1), null))
			.expectNext(current)
			.verifyComplete();
		this.clock.advance(Duration.ofSeconds(25).minusMillis(1));
		StepVerifier.create(this.policy.withoutFreshToken(current, Duration.ofSeconds(1), null))
			.expectNext(current)
			.verifyComplete();
		this.clock.advance(Duration.ofMillis(1));
		StepVerifier.create(this.policy.withoutFreshToken(current, Duration.ofSeconds(1), null))
			.expectError(RefreshUnavailable.class)
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void withoutFreshTokenWhenAccessTokenExpiredThen503WithRetryAfterRoundedUpInHeaderAndBody() {
		StepVerifier.create(this.policy.withoutFreshToken(client(NOW), Duration.ofMillis(1200), null))
			.expectErrorSatisfies((ex) -> {
				RefreshUnavailable unavailable = (RefreshUnavailable) ex;
				assertThat(unavailable.getStatusCode().value()).isEqualTo(503);
				assertThat(unavailable.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
				assertThat(unavailable.getBody().getProperties()).containsEntry("retry_after", 2L);
			})
			.verify(Duration.ofSeconds(5));
	}

	/**
	 * The refresh failed because the session store did (its lock refused by a full Redis,
	 * the session's re-read): the store's failure, to be answered and logged as the
	 * store's, not the IdP's. A token still valid is relayed all the same.
	 */
	@Test
	void withoutFreshTokenWhenTheSessionStoreFailedThenTheStoresFailure() {
		RedisSystemException refused = new RedisSystemException("Error in execution",
				new RedisCommandExecutionException("OOM command not allowed when used memory > 'maxmemory'."));

		StepVerifier.create(this.policy.withoutFreshToken(client(NOW), Duration.ofSeconds(1), refused))
			.expectErrorSatisfies((ex) -> assertThat(ex).isSameAs(refused))
			.verify(Duration.ofSeconds(5));
		OAuth2AuthorizedClient valid = client(NOW.plusSeconds(30));
		StepVerifier.create(this.policy.withoutFreshToken(valid, Duration.ofSeconds(1), refused))
			.expectNext(valid)
			.verifyComplete();
	}

	private static TokenEndpointError answer(int status, String error) {
		return new TokenEndpointError(new OAuth2AuthorizationException(new OAuth2Error(error)),
				HttpStatusCode.valueOf(status));
	}

	private static TokenEndpointError askingToWait(int status, String error, Duration wait) {
		return new TokenEndpointError(new OAuth2AuthorizationException(new OAuth2Error(error)),
				HttpStatusCode.valueOf(status), wait);
	}

	private static OAuth2AuthorizedClient client(Instant expiresAt) {
		return new OAuth2AuthorizedClient(TestRegistrations.gateway(), "auth0|alice", new OAuth2AccessToken(
				OAuth2AccessToken.TokenType.BEARER, "at-0", expiresAt.minusSeconds(300), expiresAt), null);
	}

}
