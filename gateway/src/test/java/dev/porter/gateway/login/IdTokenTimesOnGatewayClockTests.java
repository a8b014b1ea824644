package dev.porter.gateway.login;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.function.Consumer;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.LoginCallback;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ID token's {@code exp}, {@code iat} and {@code nbf} are checked at the callback on
 * the gateway's clock, the one the rest of the login (the pending login's expiry, the
 * callback's start, the session's lifetime) reads: a clock an operator or a test set
 * apart from the system's must not have the login take a token the gateway deems expired,
 * nor refuse one it deems fresh. Each test sets the gateway's clock two hours off the
 * system's, far past the 60 s the checks allow for clock skew.
 */
@Import(MovableGatewayClock.class)
class IdTokenTimesOnGatewayClockTests extends GatewayTestSupport {

	private static final Duration APART = Duration.ofHours(2);

	@Autowired
	private MovableClock clock;

	/**
	 * The classes that share this gateway log in with ID tokens the test IdP dates on the
	 * system clock.
	 */
	@AfterEach
	void clockBackToTheSystems() {
		this.clock.moveTo(Instant.now());
	}

	@Test
	void callbackWhenIdTokenFreshByGatewayClockButExpiredBySystemClockThenSignedIn() {
		Instant gatewayNow = Instant.now().minus(APART);
		this.clock.moveTo(gatewayNow);

		LoginCallback callback = callback(datedAt(gatewayNow));

		assertThat(callback.landing()).isEqualTo(URI.create("/ok/path"));
		assertThat(signedIn(callback)).isTrue();
	}

	@Test
	void callbackWhenIdTokenIssuedByGatewayClockAheadOfTheSystemsThenSignedIn() {
		Instant gatewayNow = Instant.now().plus(APART);
		this.clock.moveTo(gatewayNow);

		LoginCallback callback = callback(datedAt(gatewayNow));

		assertThat(callback.landing()).isEqualTo(URI.create("/ok/path"));
		assertThat(signedIn(callback)).isTrue();
	}

	@Test
	void callbackWhenIdTokenFreshBySystemClockButExpiredByGatewayClockThenLoginFailsAndNoSession() {
		Instant systemNow = Instant.now();
		this.clock.moveTo(systemNow.plus(APART));

		assertLoginFails(callback(datedAt(systemNow)));
	}

	@Test
	void callbackWhenIdTokenIssuedAfterGatewayClocksNowThenLoginFailsAndNoSession() {
		Instant systemNow = Instant.now();
		this.clock.moveTo(systemNow.minus(APART));

		assertLoginFails(callback(datedAt(systemNow)));
	}

	/**
	 * An ID token as an IdP whose clock reads {@code now} issues it: issued and valid
	 * from a minute before, for an hour.
	 */
	private static Consumer<JWTClaimsSet.Builder> datedAt(Instant now) {
		Instant issued = now.minus(Duration.ofMinutes(1));
		return (claims) -> claims.issueTime(Date.from(issued))
			.notBeforeTime(Date.from(issued))
			.expirationTime(Date.from(issued.plus(Duration.ofHours(1))));
	}

	private void assertLoginFails(LoginCallback callback) {
		assertThat(callback.landing()).isEqualTo(URI.create("/?login=failed"));
		assertThat(callback.cookies()).doesNotContainKey(Browser.SESSION_COOKIE);
		assertThat(signedIn(callback)).isFalse();
	}

	/** Goes through a login whose code exchange answers an ID token so dated. */
	private LoginCallback callback(Consumer<JWTClaimsSet.Builder> idTokenClaims) {
		return LoginCallback.run(this.client, "test-code",
				(nonce) -> TestIdp.instance().stubCodeExchangeWithIdToken(nonce, "auth0|alice", idTokenClaims));
	}

	private boolean signedIn(LoginCallback callback) {
		return Boolean.TRUE.equals(this.client.get()
			.uri("/bff/session")
			.cookies(callback::sendCookies)
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("authenticated"));
	}

}
