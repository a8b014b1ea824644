package dev.porter.devidp.login;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import dev.porter.devidp.TestLogins.Authorize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class LogoutTests extends DevIdpServerTestSupport {

	private static final String GATEWAY_HOME = "http://localhost:8080/";

	/** The gateway's logout once its own session has ended: no login left to hint at. */
	private static final String NO_HINT = "oidc/logout?client_id=porter-gateway&post_logout_redirect_uri="
			+ GATEWAY_HOME;

	private final TestLogins browser = new TestLogins(ISSUER);

	@Test
	void authorizeWhenPromptNoneWithoutSessionThenLoginRequired() {
		Authorize authorize = Authorize.gateway("openid", null).with("prompt", "none");
		URI redirect = TestLogins.location(this.browser.authorize(authorize));
		assertThat(redirect.toString()).startsWith(TestLogins.GATEWAY_CALLBACK);
		assertThat(TestLogins.queryParameters(redirect)).containsEntry("error", "login_required")
			.containsEntry("state", authorize.state());
	}

	@Test
	void authorizeWhenPromptNoneWithSessionThenCode() {
		signIn();
		assertThat(promptNone()).containsKey("code");
	}

	@Test
	void oidcLogoutWhenRedirectAllowedThenRedirectsWithStateAndEndsSession() {
		String idToken = signIn();
		HttpResponse<String> response = this.browser.get(ISSUER + "oidc/logout?id_token_hint=" + idToken
				+ "&post_logout_redirect_uri=" + GATEWAY_HOME + "&client_id=porter-gateway&state=bye");
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(TestLogins.location(response)).hasToString(GATEWAY_HOME + "?state=bye");
		assertThat(promptNone()).containsEntry("error", "login_required");
	}

	@Test
	void oidcLogoutWhenRefreshTokenRevokedFirstThenStillEndsSession() {
		TestLogins.Login login = this.browser.login(Authorize.gateway("openid offline_access", null), "alice", "alice");
		JsonNode tokens = this.browser.json(this.browser.exchange(login, TestLogins.GATEWAY_SECRET));
		this.browser.postForm(ISSUER + "oauth/revoke",
				Map.of("token", tokens.get("refresh_token").asString(), "token_type_hint", "refresh_token"), basic());
		HttpResponse<String> response = this.browser.get(ISSUER + "oidc/logout?id_token_hint="
				+ tokens.get("id_token").asString() + "&post_logout_redirect_uri=" + GATEWAY_HOME);
		assertThat(TestLogins.location(response)).hasToString(GATEWAY_HOME);
		assertThat(promptNone()).containsEntry("error", "login_required");
	}

	@Test
	void oidcLogoutWhenRedirectNotAllowedThenBadRequestAndSessionKept() {
		String idToken = signIn();
		HttpResponse<String> response = this.browser
			.get(ISSUER + "oidc/logout?id_token_hint=" + idToken + "&post_logout_redirect_uri=https://evil.example/");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(promptNone()).containsKey("code");
	}

	@Test
	void auth0LogoutWhenReturnToAllowedThenRedirectsAndEndsSession() {
		signIn();
		HttpResponse<String> response = this.browser
			.get(ISSUER + "v2/logout?client_id=porter-gateway&returnTo=" + GATEWAY_HOME);
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(TestLogins.location(response)).hasToString(GATEWAY_HOME);
		assertThat(promptNone()).containsEntry("error", "login_required");
	}

	@Test
	void auth0LogoutWhenNoReturnToThenFirstAllowedLogoutUrl() {
		HttpResponse<String> response = this.browser.get(ISSUER + "v2/logout?client_id=porter-gateway");
		assertThat(TestLogins.location(response)).hasToString(GATEWAY_HOME);
	}

	@Test
	void auth0LogoutWhenReturnToNotAllowedThenBadRequestAndSessionKept() {
		signIn();
		HttpResponse<String> response = this.browser
			.get(ISSUER + "v2/logout?client_id=porter-gateway&returnTo=https://evil.example/");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(promptNone()).containsKey("code");
	}

	@Test
	void auth0LogoutWhenClientUnknownThenBadRequest() {
		assertThat(this.browser.get(ISSUER + "v2/logout?client_id=nobody").statusCode()).isEqualTo(400);
	}

	@Test
	void oidcLogoutWhenNoHintAndNoSessionThenRedirectsWithState() {
		HttpResponse<String> response = this.browser.get(ISSUER + NO_HINT + "&state=bye");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
		assertThat(TestLogins.location(response)).hasToString(GATEWAY_HOME + "?state=bye");
	}

	@Test
	void oidcLogoutWhenNoHintThenAsksToConfirmAndKeepsSession() {
		signIn();
		HttpResponse<String> response = this.browser.get(ISSUER + NO_HINT + "&state=bye");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/html"));
		assertThat(response.body()).contains("Log out of dev-idp?").contains("method=\"post\"");
		assertThat(TestLogins.hiddenFields(response)).containsEntry("client_id", "porter-gateway")
			.containsEntry("post_logout_redirect_uri", GATEWAY_HOME)
			.containsEntry("state", "bye")
			.containsKey("_csrf");
		assertThat(response.headers().firstValue("X-Frame-Options")).as("no other site frames the question")
			.hasValue("DENY");
		assertThat(promptNone()).containsKey("code");
	}

	@Test
	void oidcLogoutWhenNoHintConfirmedThenEndsSessionAndRedirectsWithState() {
		signIn();
		HttpResponse<String> question = this.browser.get(ISSUER + NO_HINT + "&state=bye");
		HttpResponse<String> response = this.browser.postForm(ISSUER + "oidc/logout", TestLogins.hiddenFields(question),
				null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
		assertThat(TestLogins.location(response)).hasToString(GATEWAY_HOME + "?state=bye");
		assertThat(promptNone()).containsEntry("error", "login_required");
	}

	@Test
	void oidcLogoutWhenNoHintAndGetCarriesTheConfirmationFieldsThenOnlyAsksAgain() {
		signIn();
		Map<String, String> confirmation = TestLogins.hiddenFields(this.browser.get(ISSUER + NO_HINT));
		HttpResponse<String> response = this.browser.get(ISSUER + "oidc/logout?" + query(confirmation));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).contains("Log out of dev-idp?");
		assertThat(promptNone()).containsKey("code");
	}

	@Test
	void oidcLogoutWhenNoHintPostedWithoutTheConfirmationTokenThenAsksAndKeepsSession() {
		signIn();
		this.browser.get(ISSUER + NO_HINT);
		Map<String, String> request = Map.of("client_id", "porter-gateway", "post_logout_redirect_uri", GATEWAY_HOME);
		HttpResponse<String> posted = this.browser.postForm(ISSUER + "oidc/logout", request, null);
		Map<String, String> forged = new LinkedHashMap<>(request);
		forged.put("_csrf", "forged");
		HttpResponse<String> forgedToken = this.browser.postForm(ISSUER + "oidc/logout", forged, null);
		for (HttpResponse<String> response : List.of(posted, forgedToken)) {
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			assertThat(response.body()).contains("Log out of dev-idp?");
		}
		assertThat(promptNone()).containsKey("code");
	}

	@Test
	void oidcLogoutWhenNoHintAndStateIsMarkupThenPageShowsItAsTextAndEchoesItWhole() {
		signIn();
		String state = "\"><script>alert(1)</script>&next=a+b";
		HttpResponse<String> question = this.browser
			.get(ISSUER + NO_HINT + "&state=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
		assertThat(question.body()).doesNotContain("<script>");
		HttpResponse<String> response = this.browser.postForm(ISSUER + "oidc/logout", TestLogins.hiddenFields(question),
				null);
		assertThat(TestLogins.queryParameters(TestLogins.location(response))).containsEntry("state", state);
	}

	@ParameterizedTest
	@ValueSource(strings = { "client_id=nobody&post_logout_redirect_uri=" + GATEWAY_HOME,
			"client_id=porter-gateway&post_logout_redirect_uri=https://evil.example/",
			"client_id=porter-profile&post_logout_redirect_uri=" + GATEWAY_HOME,
			"post_logout_redirect_uri=" + GATEWAY_HOME })
	void oidcLogoutWhenNoHintAndClientOrRedirectNotRegisteredThenBadRequestAndSessionKept(String query) {
		HttpResponse<String> withoutSession = this.browser.get(ISSUER + "oidc/logout?" + query);
		assertThat(withoutSession.statusCode()).as(withoutSession.body()).isEqualTo(400);
		signIn();
		HttpResponse<String> withSession = this.browser.get(ISSUER + "oidc/logout?" + query);
		assertThat(withSession.statusCode()).as(withSession.body()).isEqualTo(400);
		assertThat(withSession.body()).containsAnyOf("client_id", "post_logout_redirect_uri");
		assertThat(promptNone()).containsKey("code");
	}

	@Test
	void oidcLogoutWhenConfirmationPostNamesAnUnregisteredRedirectThenBadRequestAndSessionKept() {
		signIn();
		Map<String, String> confirmation = new LinkedHashMap<>(
				TestLogins.hiddenFields(this.browser.get(ISSUER + NO_HINT)));
		confirmation.put("post_logout_redirect_uri", "https://evil.example/");
		HttpResponse<String> response = this.browser.postForm(ISSUER + "oidc/logout", confirmation, null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(promptNone()).containsKey("code");
	}

	@Test
	void oidcLogoutWhenLogoutHintIsSessionSidWithClientIdThenRedirectsWithStateAndEndsSession() {
		String sid = sid(signIn());
		HttpResponse<String> response = this.browser.get(ISSUER + "oidc/logout?logout_hint=" + sid
				+ "&client_id=porter-gateway&post_logout_redirect_uri=" + GATEWAY_HOME + "&state=bye");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
		assertThat(TestLogins.location(response)).hasToString(GATEWAY_HOME + "?state=bye");
		assertThat(promptNone()).containsEntry("error", "login_required");
	}

	@Test
	void oidcLogoutWhenLogoutHintIsAnotherSessionsSidThenBadRequestAndSessionKept() {
		signIn();
		HttpResponse<String> response = this.browser
			.get(ISSUER + "oidc/logout?logout_hint=someone-elses-sid&client_id=porter-gateway&post_logout_redirect_uri="
					+ GATEWAY_HOME);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(promptNone()).containsKey("code");
	}

	@Test
	void oidcLogoutWhenLogoutHintWithRedirectNotAllowedThenBadRequestAndSessionKept() {
		String sid = sid(signIn());
		HttpResponse<String> response = this.browser.get(ISSUER + "oidc/logout?logout_hint=" + sid
				+ "&client_id=porter-gateway&post_logout_redirect_uri=https://evil.example/");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(promptNone()).containsKey("code");
	}

	@Test
	void oidcLogoutWhenLogoutHintWithoutClientIdThenBadRequestAndSessionKept() {
		String sid = sid(signIn());
		HttpResponse<String> response = this.browser
			.get(ISSUER + "oidc/logout?logout_hint=" + sid + "&post_logout_redirect_uri=" + GATEWAY_HOME);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(promptNone()).containsKey("code");
	}

	private static String query(Map<String, String> parameters) {
		return parameters.entrySet()
			.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	private String sid(String idToken) {
		String payload = new String(Base64.getUrlDecoder().decode(idToken.split("\\.")[1]), StandardCharsets.UTF_8);
		return tools.jackson.databind.json.JsonMapper.builder().build().readTree(payload).get("sid").asString();
	}

	/** Signs alice in and returns her ID token. */
	private String signIn() {
		TestLogins.Login login = this.browser.login(Authorize.gateway("openid", null), "alice", "alice");
		return this.browser.json(this.browser.exchange(login, TestLogins.GATEWAY_SECRET)).get("id_token").asString();
	}

	private static String basic() {
		return Base64.getEncoder()
			.encodeToString((TestLogins.GATEWAY + ":" + TestLogins.GATEWAY_SECRET).getBytes(StandardCharsets.UTF_8));
	}

	private Map<String, String> promptNone() {
		return TestLogins.queryParameters(
				TestLogins.location(this.browser.authorize(Authorize.gateway("openid", null).with("prompt", "none"))));
	}

}
