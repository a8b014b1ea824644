package dev.porter.gateway.logout;

import java.util.UUID;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * {@code OIDC_REVOKE_REFRESH_TOKENS=false}: for an Auth0 tenant whose "Refresh Token
 * Revocation Deletes Grant" is on (the default of tenants created before 13 January
 * 2021), where revoking one refresh token revokes every refresh token of the user for the
 * application, on every device: one device's logout would sign the user out of all of
 * them at their next refresh. Sessions still end; nothing is sent to the IdP.
 */
@TestPropertySource(properties = "porter.oidc.revoke-refresh-tokens=false")
class RevocationOffTests extends GatewayTestSupport {

	@Test
	void logoutWhenRevocationIsOffThenTheSessionEndsAndNoTokenIsRevoked() {
		Browser laptop = browser().login("auth0|fay-" + UUID.randomUUID(), 3600);

		laptop.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", laptop.xsrf())
			.exchange()
			.expectStatus()
			.isOk();

		laptop.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance()
			.server()
			.verify(0, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + laptop.tokens().refreshToken())));
	}

}
