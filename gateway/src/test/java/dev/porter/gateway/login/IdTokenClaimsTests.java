package dev.porter.gateway.login;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.LoginCallback;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The login callback's checks of the ID token's claims (OIDC Core 3.1.3.7): Spring's code
 * exchange checks only the nonce, so an ID token signed by the tenant's key but issued to
 * another of its clients, by another issuer, or expired, must be refused by the decoder
 * ({@link IdTokenDecoders}).
 */
class IdTokenClaimsTests extends GatewayTestSupport {

	/** Another application of the same tenant: its ID tokens carry the tenant's key. */
	private static final String OTHER_CLIENT = "another-app-of-the-tenant";

	@Test
	void callbackWhenIdTokenIsForAnotherClientOfTheTenantThenLoginFailsAndNoSession() {
		assertLoginFails((claims) -> claims.audience(OTHER_CLIENT));
	}

	@Test
	void callbackWhenIdTokenIsFromAnotherIssuerThenLoginFailsAndNoSession() {
		assertLoginFails((claims) -> claims.issuer("https://other-tenant.example/"));
	}

	@Test
	void callbackWhenIdTokenExpiredBeyondTheSkewThenLoginFailsAndNoSession() {
		Instant now = Instant.now();
		assertLoginFails((claims) -> claims.issueTime(Date.from(now.minus(Duration.ofHours(1))))
			.expirationTime(Date.from(now.minus(Duration.ofMinutes(5)))));
	}

	@Test
	void callbackWhenIdTokenHasSeveralAudiencesAndNoAuthorizedPartyThenLoginFailsAndNoSession() {
		assertLoginFails((claims) -> claims.audience(List.of(TestIdp.CLIENT_ID, OTHER_CLIENT)));
	}

	@Test
	void callbackWhenIdTokenWasAuthorizedForAnotherClientThenLoginFailsAndNoSession() {
		assertLoginFails(
				(claims) -> claims.audience(List.of(TestIdp.CLIENT_ID, OTHER_CLIENT)).claim("azp", OTHER_CLIENT));
	}

	@Test
	void callbackWhenIdTokenHasSeveralAudiencesAndThisClientAsAuthorizedPartyThenSignedIn() {
		LoginCallback callback = callback(
				(claims) -> claims.audience(List.of(TestIdp.CLIENT_ID, OTHER_CLIENT)).claim("azp", TestIdp.CLIENT_ID));

		assertThat(callback.landing()).isEqualTo(URI.create("/ok/path"));
		assertThat(signedIn(callback)).isTrue();
	}

	private void assertLoginFails(Consumer<JWTClaimsSet.Builder> idTokenClaims) {
		LoginCallback callback = callback(idTokenClaims);

		assertThat(callback.landing()).isEqualTo(URI.create("/?login=failed"));
		assertThat(callback.cookies()).doesNotContainKey(Browser.SESSION_COOKIE);
		assertThat(signedIn(callback)).isFalse();
	}

	/** Goes through a login whose code exchange answers an ID token so changed. */
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
