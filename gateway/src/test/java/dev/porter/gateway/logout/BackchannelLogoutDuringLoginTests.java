package dev.porter.gateway.logout;

import java.net.URI;
import java.text.ParseException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.nimbusds.jwt.SignedJWT;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.HeldAnswer;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A back-channel logout that arrives while a login of its IdP session (or, for a token
 * without {@code sid}, of its user) is still in its callback, in memory. The IdP got its
 * 200 and never sends the token again: the login must not end signed in, or its session
 * would live on for up to {@code SESSION_ABSOLUTE_LIFETIME}.
 */
// The tests hold the IdP's answers themselves while they post a logout: the gateway must
// not give up on a held answer first (the shared 2 s would race a busy machine).
@TestPropertySource(properties = "porter.test.oidc-response-timeout=30s")
class BackchannelLogoutDuringLoginTests extends GatewayTestSupport {

	/**
	 * Between the code exchange (the IdP has issued the ID token naming the {@code sid})
	 * and the new session's registration, the registry knows no session of that
	 * {@code sid}: the logout found nothing to end, and the login then signed in.
	 */
	@Test
	void backchannelLogoutWhenItsSidIsAtTheCodeExchangeThenThatLoginEndsSignedOutAndItsRefreshTokenIsRevoked()
			throws Exception {
		String sub = "auth0|midway-" + UUID.randomUUID();
		String sid = "sid-" + UUID.randomUUID();
		Browser browser = browser();

		URI landing = loginWhileLoggedOut(browser, sub, sid, Map.of("sid", sid, "sub", sub));

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		assertAuthenticated(browser, false);
		assertRevoked(browser.tokens().refreshToken());
	}

	@Test
	void backchannelLogoutWhenOnlySubAndTheUserIsAtTheCodeExchangeThenThatLoginEndsSignedOut() throws Exception {
		String sub = "auth0|midway-" + UUID.randomUUID();
		Browser browser = browser();

		URI landing = loginWhileLoggedOut(browser, sub, "sid-" + UUID.randomUUID(), Map.of("sub", sub));

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		assertAuthenticated(browser, false);
		assertRevoked(browser.tokens().refreshToken());
	}

	/**
	 * The IdP may end the session a moment before it mints the login's ID token (the code
	 * exchange is under way, the user logs out of another application): the logout's
	 * {@code iat} is then the earlier, yet it reached the gateway while the callback ran,
	 * and the login must end all the same.
	 */
	@Test
	void backchannelLogoutWhenIssuedJustBeforeTheLoginsIdTokenAndReceivedDuringItsCallbackThenThatLoginEnds()
			throws Exception {
		String sub = "auth0|midway-" + UUID.randomUUID();
		String sid = "sid-" + UUID.randomUUID();
		Browser browser = browser();

		URI landing = loginWhileLoggedOut(browser, sub, sid,
				() -> Map.of("sid", sid, "sub", sub, "iat", idTokenIssuedAt(browser) - 1));

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		assertAuthenticated(browser, false);
		assertRevoked(browser.tokens().refreshToken());
	}

	private static long idTokenIssuedAt(Browser browser) {
		try {
			return SignedJWT.parse(browser.tokens().idToken())
				.getJWTClaimsSet()
				.getIssueTime()
				.toInstant()
				.getEpochSecond();
		}
		catch (ParseException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A logout of the user issued before the login's ID token (the user signed in again
	 * after it) does not end that login.
	 */
	@Test
	void backchannelLogoutWhenOnlySubAndIssuedBeforeTheLoginsIdTokenThenThatLoginStaysSignedIn() {
		String sub = "auth0|after-" + UUID.randomUUID();
		long issuedBefore = Instant.now().minusSeconds(5).getEpochSecond();
		post(TestIdp.instance().logoutToken(Map.of("sub", sub, "iat", issuedBefore))).expectStatus().isOk();

		Browser browser = browser().login(sub, 3600);

		assertAuthenticated(browser, true);
	}

	/**
	 * Later in the callback: registered, the new session is ending the one the browser
	 * presented (waiting on the IdP's revocation of its refresh token) when the logout
	 * comes.
	 */
	@Test
	void backchannelLogoutWhenItsSidIsEndingThePresentedSessionThenThatLoginEndsSignedOut() throws Exception {
		String sub = "auth0|midway-" + UUID.randomUUID();
		Browser browser = browser().login(sub, 3600);
		HeldAnswer presentedRevocation = TestIdp.instance().holdRevocationOf(browser.tokens().refreshToken());
		String sid = "sid-" + UUID.randomUUID();

		CompletableFuture<URI> login = CompletableFuture.supplyAsync(() -> browser.attemptLogin(sub, sid, 3600));
		try {
			presentedRevocation.awaitReached();
			post(TestIdp.instance().logoutToken(Map.of("sid", sid, "sub", sub))).expectStatus().isOk();
		}
		finally {
			presentedRevocation.release();
		}
		login.get(30, TimeUnit.SECONDS);

		assertAuthenticated(browser, false);
		assertRevoked(browser.tokens().refreshToken());
	}

	/**
	 * Logs {@code browser} in as {@code sub} within {@code sid}; the IdP's logout token
	 * with {@code claims} is answered while the code exchange is held. Returns where the
	 * callback sent the browser.
	 */
	private URI loginWhileLoggedOut(Browser browser, String sub, String sid, Map<String, Object> claims)
			throws Exception {
		return loginWhileLoggedOut(browser, sub, sid, () -> claims);
	}

	/** With the logout token's claims made once the IdP has issued the login's tokens. */
	private URI loginWhileLoggedOut(Browser browser, String sub, String sid, Supplier<Map<String, Object>> claims)
			throws Exception {
		HeldAnswer exchange = TestIdp.instance().holdCodeExchange();
		CompletableFuture<URI> login = CompletableFuture.supplyAsync(() -> browser.attemptLogin(sub, sid, 3600));
		try {
			exchange.awaitReached();
			post(TestIdp.instance().logoutToken(claims.get())).expectStatus().isOk();
		}
		finally {
			exchange.release();
		}
		return login.get(30, TimeUnit.SECONDS);
	}

	private WebTestClient.ResponseSpec post(String logoutToken) {
		return this.client.post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token", logoutToken))
			.exchange();
	}

	private static void assertAuthenticated(Browser browser, boolean authenticated) {
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(authenticated);
	}

	/** Revoked before the callback answered, by whichever side ended the session. */
	private static void assertRevoked(String refreshToken) {
		TestIdp.instance()
			.server()
			.verify(postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + refreshToken)));
	}

}
