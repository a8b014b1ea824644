package dev.porter.gateway.logout;

import java.net.URI;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /bff/logout} on an IdP whose discovery is not Auth0's, shaped like Okta's
 * ({@code {issuer}/v1/token}, {@code {issuer}/v1/logout}), with
 * {@code LOGOUT_ID_TOKEN_HINT} unset as application.yml leaves it. The token calls go to
 * the test IdP's endpoints through {@code OIDC_TOKEN_URI}, the back-channel override
 * docker compose uses, which the choice of hint does not read.
 */
class LogoutOnOtherIdpsTests extends GatewayTestSupport {

	private static final String DISCOVERY = "okta/.well-known/openid-configuration";

	@DynamicPropertySource
	static void oktaShapedIdp(DynamicPropertyRegistry registry) {
		registry.add("porter.oidc.discovery-uri", () -> TestIdp.instance().issuer() + DISCOVERY);
		registry.add("porter.oidc.token-uri", () -> TestIdp.instance().issuer() + "oauth/token");
	}

	@BeforeEach
	void oktaShapedDiscovery() {
		String issuer = TestIdp.instance().issuer();
		TestIdp.instance().server().stubFor(get(urlPathEqualTo("/" + DISCOVERY)).willReturn(okJson("""
				{"issuer": "%1$s", "authorization_endpoint": "%1$sauthorize", "token_endpoint": "%1$sv1/token",
				 "userinfo_endpoint": "%1$suserinfo", "jwks_uri": "%1$s.well-known/jwks.json",
				 "revocation_endpoint": "%1$soauth/revoke", "end_session_endpoint": "%1$sv1/logout",
				 "code_challenge_methods_supported": ["S256"]}
				""".formatted(issuer))));
	}

	// Okta's /v1/logout requires id_token_hint: sent the sid as logout_hint, it showed an
	// error page and its session stayed signed in, so that at a shared computer the next
	// person's "Sign in" passed its single sign-on as her, without a password.
	@Test
	void logoutWhenTheIdpIsNotAuth0ThenItsEndSessionGetsTheIdTokenAsHint() {
		Browser browser = browser().login("00u1alice", 3600);

		URI redirect = URI.create(browser.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", browser.xsrf())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(LogoutAnswer.class)
			.returnResult()
			.getResponseBody()
			.redirect());

		assertThat(redirect.getPath()).isEqualTo("/v1/logout");
		MultiValueMap<String, String> query = UriComponentsBuilder.fromUri(redirect).build().getQueryParams();
		assertThat(query.getFirst("id_token_hint")).isEqualTo(browser.tokens().idToken());
		assertThat(query).doesNotContainKey("logout_hint");
		assertThat(query.getFirst("client_id")).isEqualTo(TestIdp.CLIENT_ID);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	record LogoutAnswer(String redirect) {
	}

}
