package dev.porter.gateway.session;

import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockOidcLogin;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.springSecurity;

/**
 * The security rules against the application context with a mocked OIDC login (no IdP
 * round trip): what a principal without tokens in its session may do.
 */
class SecuritySliceTests extends GatewayTestSupport {

	@Autowired
	ApplicationContext context;

	private WebTestClient mock;

	@BeforeEach
	void bindToContext() {
		this.mock = WebTestClient.bindToApplicationContext(this.context)
			.apply(springSecurity())
			.configureClient()
			.build();
	}

	@Test
	void sessionWhenOidcLoginThenAuthenticatedShapeFromIdTokenClaims() {
		this.mock
			.mutateWith(mockOidcLogin().idToken((token) -> token.subject("auth0|mock")
				.claim("name", "Mock User")
				.claim("email", "mock@example.com")
				.claim("picture", "https://example.com/mock.png")))
			.get()
			.uri("/bff/session")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.authenticated")
			.isEqualTo(true)
			.jsonPath("$.user.sub")
			.isEqualTo("auth0|mock")
			.jsonPath("$.user.name")
			.isEqualTo("Mock User")
			.jsonPath("$.expires_at")
			.isNumber();
	}

	@Test
	void patchMetadataWhenCsrfMissingThenForbiddenProblemAndNothingForwarded() {
		this.mock.mutateWith(mockOidcLogin())
			.patch()
			.uri("/me/metadata")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		PROFILE.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void logoutWhenJsonAndCsrfThenRedirectToIdpLogout() {
		this.mock.mutateWith(mockOidcLogin())
			.mutateWith(csrf())
			.post()
			.uri("/bff/logout")
			.accept(MediaType.APPLICATION_JSON)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.redirect")
			.value(String.class, (url) -> org.assertj.core.api.Assertions.assertThat(url).contains("id_token_hint="));
	}

	/**
	 * No login to name, yet the IdP's session may live on: its logout all the same, with
	 * no hint.
	 */
	@Test
	void logoutWhenAnonymousThenRedirectToIdpLogoutWithoutHint() {
		this.mock.mutateWith(csrf())
			.post()
			.uri("/bff/logout")
			.accept(MediaType.APPLICATION_JSON)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.redirect")
			.isEqualTo(TestIdp.instance().issuer()
					+ "oidc/logout?post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A8080%2F&client_id="
					+ TestIdp.CLIENT_ID);
	}

	@Test
	void getMeWhenLoggedInButSessionHoldsNoTokenThenUnauthorizedAndNothingForwarded() {
		this.mock.mutateWith(mockOidcLogin())
			.get()
			.uri("/me")
			.accept(MediaType.APPLICATION_JSON)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		PROFILE.verify(0, anyRequestedFor(anyUrl()));
	}

}
