package dev.porter.devidp.backchannel;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import dev.porter.devidp.TestLogins.Authorize;
import dev.porter.devidp.backchannel.LogoutReceiver.Delivery;
import dev.porter.testsupport.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ending a browser's IdP session, by either logout endpoint, tells every application that
 * signed in through it, as Auth0's back-channel logout does: one {@code POST} of a signed
 * logout token per application with a back-channel URL, sent after the browser has its
 * redirect and never holding it up.
 *
 * @see <a href=
 * "https://auth0.com/docs/authenticate/login/logout/back-channel-logout">Auth0:
 * back-channel logout</a>
 */
@ExtendWith(OutputCaptureExtension.class)
class BackChannelLogoutDeliveryTests extends DevIdpServerTestSupport {

	private static final String GATEWAY_HOME = "http://localhost:8080/";

	private static final String RECEIVER_URL = "http://localhost:" + BACKCHANNEL_PORT + "/bff/backchannel-logout";

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private final TestLogins browser = new TestLogins(ISSUER);

	private @Nullable LogoutReceiver receiver;

	@AfterEach
	void stopReceiver() {
		if (this.receiver != null) {
			this.receiver.close();
		}
	}

	@Test
	void auth0LogoutWhenGatewaySignedInThenGatewayReceivesSignedLogoutTokenForThatSession() {
		this.receiver = LogoutReceiver.answering();
		JsonNode idToken = signIn(this.browser, Authorize.gateway("openid", null), TestLogins.GATEWAY_SECRET);
		String sid = idToken.get("sid").asString();

		HttpResponse<String> logout = this.browser
			.get(ISSUER + "v2/logout?client_id=porter-gateway&returnTo=" + GATEWAY_HOME);

		assertThat(logout.statusCode()).isEqualTo(302);
		Delivery delivery = this.receiver.awaitDeliveryFor(sid);
		assertThat(delivery.method()).isEqualTo("POST");
		assertThat(delivery.path()).isEqualTo("/bff/backchannel-logout");
		assertThat(delivery.contentType()).startsWith("application/x-www-form-urlencoded");
		assertThat(delivery.form()).containsOnlyKeys("logout_token");
		Jwt token = issuerDecoder().decode(delivery.logoutToken());
		assertThat(token.getHeaders()).containsEntry("typ", "JWT").containsEntry("alg", "RS256");
		assertThat(token.getIssuer()).hasToString(ISSUER);
		assertThat(token.getClaimAsString("sid")).isEqualTo(sid);
		assertThat(token.getSubject()).isEqualTo(idToken.get("sub").asString());
		assertThat(token.getId()).isNotBlank();
		assertThat(Duration.between(token.getIssuedAt(), token.getExpiresAt())).hasSeconds(120);
		assertThat(token.hasClaim("nonce")).isFalse();
		assertThat(token.getClaimAsMap("events"))
			.containsOnlyKeys("http://schemas.openid.net/event/backchannel-logout");
		assertThat(this.browser.payload(delivery.logoutToken()).get("aud").asString()).isEqualTo(TestLogins.GATEWAY);
		assertThat(this.receiver.deliveriesFor(sid)).hasSize(1);
	}

	@Test
	void oidcLogoutWhenLogoutHintEndsSessionThenGatewayReceivesLogoutTokenForThatSession() {
		this.receiver = LogoutReceiver.answering();
		String sid = signIn(this.browser, Authorize.gateway("openid", null), TestLogins.GATEWAY_SECRET).get("sid")
			.asString();

		HttpResponse<String> logout = this.browser.get(ISSUER + "oidc/logout?logout_hint=" + sid
				+ "&client_id=porter-gateway&post_logout_redirect_uri=" + GATEWAY_HOME);

		assertThat(logout.statusCode()).as(logout.body()).isEqualTo(302);
		Jwt token = issuerDecoder().decode(this.receiver.awaitDeliveryFor(sid).logoutToken());
		assertThat(token.getAudience()).containsExactly(TestLogins.GATEWAY);
	}

	@Test
	void oidcLogoutWhenConfirmedWithoutHintThenGatewayReceivesLogoutTokenForThatSession() {
		this.receiver = LogoutReceiver.answering();
		String sid = signIn(this.browser, Authorize.gateway("openid", null), TestLogins.GATEWAY_SECRET).get("sid")
			.asString();
		HttpResponse<String> question = this.browser
			.get(ISSUER + "oidc/logout?client_id=porter-gateway&post_logout_redirect_uri=" + GATEWAY_HOME);

		HttpResponse<String> logout = this.browser.postForm(ISSUER + "oidc/logout", TestLogins.hiddenFields(question),
				null);

		assertThat(logout.statusCode()).as(logout.body()).isEqualTo(302);
		Jwt token = issuerDecoder().decode(this.receiver.awaitDeliveryFor(sid).logoutToken());
		assertThat(token.getAudience()).containsExactly(TestLogins.GATEWAY);
	}

	@Test
	void oidcLogoutWhenIdTokenHintEndsSessionThenGatewayReceivesLogoutTokenForThatSession() {
		this.receiver = LogoutReceiver.answering();
		TestLogins.Login login = this.browser.login(Authorize.gateway("openid", null), "alice", "alice");
		String idToken = this.browser.json(this.browser.exchange(login, TestLogins.GATEWAY_SECRET))
			.get("id_token")
			.asString();
		String sid = this.browser.payload(idToken).get("sid").asString();

		HttpResponse<String> logout = this.browser
			.get(ISSUER + "oidc/logout?id_token_hint=" + idToken + "&post_logout_redirect_uri=" + GATEWAY_HOME);

		assertThat(logout.statusCode()).as(logout.body()).isEqualTo(302);
		Jwt token = issuerDecoder().decode(this.receiver.awaitDeliveryFor(sid).logoutToken());
		assertThat(token.getAudience()).containsExactly(TestLogins.GATEWAY);
	}

	@Test
	void auth0LogoutWhenReceiverHasNotAnsweredThenBrowserRedirectedWithoutWaitingForIt(CapturedOutput output) {
		this.receiver = LogoutReceiver.holdingAnswers();
		String sid = signIn(this.browser, Authorize.gateway("openid", null), TestLogins.GATEWAY_SECRET).get("sid")
			.asString();

		HttpResponse<String> logout = this.browser
			.get(ISSUER + "v2/logout?client_id=porter-gateway&returnTo=" + GATEWAY_HOME);

		// The receiver holds its answer until the browser has its redirect. A logout that
		// waited for the delivery would have seen it time out, and never its 200.
		assertThat(logout.statusCode()).isEqualTo(302);
		assertThat(TestLogins.location(logout)).hasToString(GATEWAY_HOME);
		this.receiver.awaitDeliveryFor(sid);
		this.receiver.answer();
		// By its sid: another test's delivery may log while this one runs.
		Eventually.await("the held delivery logged as answered", PATIENCE,
				() -> output.getOut()
					.contains("back-channel logout delivered client=porter-gateway sid=" + sid + " url=" + RECEIVER_URL
							+ " status=200"));
		assertThat(output.getOut()).doesNotContain("back-channel logout failed client=porter-gateway sid=" + sid);
	}

	// No receiver opened: the delivery's connection closes without an answer.
	@Test
	void auth0LogoutWhenDeliveryFailsThenSessionEndedAndFailureLoggedOnce(CapturedOutput output) {
		String sid = signIn(this.browser, Authorize.gateway("openid", null), TestLogins.GATEWAY_SECRET).get("sid")
			.asString();

		HttpResponse<String> logout = this.browser
			.get(ISSUER + "v2/logout?client_id=porter-gateway&returnTo=" + GATEWAY_HOME);

		assertThat(logout.statusCode()).isEqualTo(302);
		assertThat(TestLogins.location(logout)).hasToString(GATEWAY_HOME);
		assertThat(promptNone(this.browser)).containsEntry("error", "login_required");
		// By its sid: another test's delivery may log while this one runs.
		String failure = "back-channel logout failed client=porter-gateway sid=" + sid + " url=" + RECEIVER_URL;
		Eventually.await("the failed delivery logged", PATIENCE, () -> output.getOut().contains(failure));
		assertThat(output.getOut().split(Pattern.quote(failure), -1)).hasSize(2);
	}

	@Test
	void auth0LogoutWhenSessionSignedInGatewayAndSpaThenOnlyGatewayReceivesLogoutToken() {
		this.receiver = LogoutReceiver.answering();
		String sid = signIn(this.browser, Authorize.gateway("openid", null), TestLogins.GATEWAY_SECRET).get("sid")
			.asString();
		assertThat(signIn(this.browser, Authorize.spa("openid", null), null).get("sid").asString()).isEqualTo(sid);

		this.browser.get(ISSUER + "v2/logout?client_id=porter-gateway&returnTo=" + GATEWAY_HOME);

		Jwt token = issuerDecoder().decode(this.receiver.awaitDeliveryFor(sid).logoutToken());
		assertThat(token.getAudience()).containsExactly(TestLogins.GATEWAY);
		assertThat(this.receiver.deliveriesFor(sid)).hasSize(1);
	}

	@Test
	void auth0LogoutWhenSessionSignedInOnlyClientWithoutBackChannelUrlThenNobodyReceivesLogoutToken() {
		this.receiver = LogoutReceiver.answering();
		String spaSid = signIn(this.browser, Authorize.spa("openid", null), null).get("sid").asString();
		HttpResponse<String> logout = this.browser
			.get(ISSUER + "v2/logout?client_id=porter-spa&returnTo=" + GATEWAY_HOME);
		assertThat(logout.statusCode()).isEqualTo(302);

		// A later logout of another browser's gateway session marks the point by which a
		// delivery for the SPA's session would have arrived.
		TestLogins gatewayBrowser = new TestLogins(ISSUER);
		String gatewaySid = signIn(gatewayBrowser, Authorize.gateway("openid", null), TestLogins.GATEWAY_SECRET)
			.get("sid")
			.asString();
		gatewayBrowser.get(ISSUER + "v2/logout?client_id=porter-gateway&returnTo=" + GATEWAY_HOME);
		this.receiver.awaitDeliveryFor(gatewaySid);

		assertThat(this.receiver.deliveriesFor(spaSid)).isEmpty();
	}

	/** Signs alice in to the client and returns the payload of her ID token. */
	private static JsonNode signIn(TestLogins browser, Authorize authorize, @Nullable String clientSecret) {
		TestLogins.Login login = browser.login(authorize, "alice", "alice");
		HttpResponse<String> tokens = browser.exchange(login, clientSecret);
		assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
		return browser.payload(browser.json(tokens).get("id_token").asString());
	}

	private static Map<String, String> promptNone(TestLogins browser) {
		return TestLogins.queryParameters(
				TestLogins.location(browser.authorize(Authorize.gateway("openid", null).with("prompt", "none"))));
	}

}
