package dev.porter.devidp.oauth;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;

class PublicClientConverterTests {

	private final PublicClientConverter converter = new PublicClientConverter("/oauth/token", "/oauth/revoke");

	@Test
	void convertWhenRefreshGrantThenPublicClient() {
		MockHttpServletRequest request = post("/oauth/token");
		request.addParameter("grant_type", "refresh_token");
		request.addParameter("refresh_token", "r");
		assertPublicClient(this.converter.convert(request));
	}

	@Test
	void convertWhenRevocationThenPublicClient() {
		MockHttpServletRequest request = post("/oauth/revoke");
		request.addParameter("token", "r");
		assertPublicClient(this.converter.convert(request));
	}

	// A client_id alone must not open the other endpoints client authentication guards.
	@Test
	void convertWhenIntrospectionThenNothing() {
		MockHttpServletRequest request = post("/oauth2/introspect");
		request.addParameter("token", "r");
		assertThat(this.converter.convert(request)).isNull();
	}

	@Test
	void convertWhenTokenEndpointWithoutRefreshGrantThenNothing() {
		MockHttpServletRequest request = post("/oauth/token");
		request.addParameter("token", "r");
		assertThat(this.converter.convert(request)).isNull();
	}

	@Test
	void convertWhenRefreshGrantOnAnotherPathThenNothing() {
		MockHttpServletRequest request = post("/oauth2/device_authorization");
		request.addParameter("grant_type", "refresh_token");
		request.addParameter("refresh_token", "r");
		assertThat(this.converter.convert(request)).isNull();
	}

	private static MockHttpServletRequest post(String path) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
		request.setServletPath(path);
		request.addParameter("client_id", "porter-spa");
		return request;
	}

	private static void assertPublicClient(Object authentication) {
		assertThat(authentication).isInstanceOfSatisfying(OAuth2ClientAuthenticationToken.class, (client) -> {
			assertThat(client.getPrincipal()).isEqualTo("porter-spa");
			assertThat(client.getClientAuthenticationMethod()).isEqualTo(ClientAuthenticationMethod.NONE);
			assertThat(client.getAdditionalParameters()).doesNotContainKey("client_id");
		});
	}

}
