package dev.porter.devidp.oauth;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import dev.porter.devidp.TestLogins.Authorize;
import dev.porter.devidp.TestLogins.Login;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One user signed in from two browsers has two IdP sessions, and each ID token names the
 * session of the browser that signed in, as Auth0's {@code sid} does, even when the code
 * is exchanged after the other browser signed in. Spring Authorization Server alone put
 * the user's most recently active session into every ID token, so parallel logins of one
 * user shared a {@code sid} and logging one browser out ended another's session.
 */
class BrowserSessionsTests extends DevIdpServerTestSupport {

	private static final String GATEWAY_HOME = "http://localhost:8080/";

	private final TestLogins firstBrowser = new TestLogins(ISSUER);

	private final TestLogins secondBrowser = new TestLogins(ISSUER);

	@Test
	void exchangeWhenSameUserSignedInFromTwoBrowsersThenEachIdTokenNamesItsOwnBrowsersSession() {
		Login first = this.firstBrowser.login(Authorize.gateway("openid offline_access", null), "alice", "alice");
		Login second = this.secondBrowser.login(Authorize.gateway("openid offline_access", null), "alice", "alice");
		JsonNode secondTokens = tokens(this.secondBrowser, second);
		JsonNode firstTokens = tokens(this.firstBrowser, first);

		assertThat(sid(firstTokens)).isEqualTo(sessionSid(this.firstBrowser));
		assertThat(sid(secondTokens)).isEqualTo(sessionSid(this.secondBrowser));
		assertThat(sid(firstTokens)).isNotEqualTo(sid(secondTokens));
	}

	@Test
	void refreshWhenAnotherBrowserSignedInSinceThenIdTokenKeepsItsBrowsersSession() {
		Login first = this.firstBrowser.login(Authorize.gateway("openid offline_access", null), "alice", "alice");
		JsonNode firstTokens = tokens(this.firstBrowser, first);
		tokens(this.secondBrowser,
				this.secondBrowser.login(Authorize.gateway("openid offline_access", null), "alice", "alice"));

		JsonNode refreshed = this.firstBrowser.json(this.firstBrowser.token(
				Map.of("grant_type", "refresh_token", "refresh_token", firstTokens.get("refresh_token").asString()),
				TestLogins.GATEWAY, TestLogins.GATEWAY_SECRET));
		assertThat(sid(refreshed)).isEqualTo(sessionSid(this.firstBrowser));
	}

	@Test
	void oidcLogoutWhenOneBrowsersIdTokenHintThenOnlyThatBrowsersSessionEnds() {
		Login first = this.firstBrowser.login(Authorize.gateway("openid", null), "alice", "alice");
		Login second = this.secondBrowser.login(Authorize.gateway("openid", null), "alice", "alice");
		tokens(this.secondBrowser, second);
		String firstIdToken = tokens(this.firstBrowser, first).get("id_token").asString();

		HttpResponse<String> response = this.firstBrowser
			.get(ISSUER + "oidc/logout?id_token_hint=" + firstIdToken + "&post_logout_redirect_uri=" + GATEWAY_HOME);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
		assertThat(promptNone(this.firstBrowser)).containsEntry("error", "login_required");
		assertThat(promptNone(this.secondBrowser)).containsKey("code");
	}

	@Test
	void oidcLogoutWhenOneBrowsersLogoutHintThenOnlyThatBrowsersSessionEnds() {
		Login first = this.firstBrowser.login(Authorize.gateway("openid", null), "alice", "alice");
		Login second = this.secondBrowser.login(Authorize.gateway("openid", null), "alice", "alice");
		tokens(this.secondBrowser, second);
		String firstSid = sid(tokens(this.firstBrowser, first));

		HttpResponse<String> response = this.firstBrowser.get(ISSUER + "oidc/logout?logout_hint=" + firstSid
				+ "&client_id=porter-gateway&post_logout_redirect_uri=" + GATEWAY_HOME);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
		assertThat(promptNone(this.firstBrowser)).containsEntry("error", "login_required");
		assertThat(promptNone(this.secondBrowser)).containsKey("code");
	}

	private static JsonNode tokens(TestLogins browser, Login login) {
		HttpResponse<String> response = browser.exchange(login, TestLogins.GATEWAY_SECRET);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return browser.json(response);
	}

	private static String sid(JsonNode tokens) {
		return issuerDecoder().decode(tokens.get("id_token").asString()).getClaimAsString("sid");
	}

	private static Map<String, String> promptNone(TestLogins browser) {
		return TestLogins.queryParameters(
				TestLogins.location(browser.authorize(Authorize.gateway("openid", null).with("prompt", "none"))));
	}

	/**
	 * The {@code sid} of the browser's IdP session: the unpadded base64url SHA-256 of its
	 * session cookie, as the OpenID Connect session specs suggest and Spring
	 * Authorization Server computes it.
	 */
	private static String sessionSid(TestLogins browser) {
		String sessionId = browser.cookie("JSESSIONID");
		assertThat(sessionId).as("the browser's IdP session cookie").isNotNull();
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
