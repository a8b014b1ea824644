package dev.porter.devidp.oauth;

import java.net.http.HttpResponse;
import java.util.Map;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import dev.porter.devidp.TestLogins.Authorize;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryTests extends DevIdpServerTestSupport {

	private final TestLogins browser = new TestLogins(ISSUER);

	@Test
	void discoveryWhenFetchedThenAuth0PathsUnderIssuerWithTrailingSlash() {
		JsonNode discovery = this.browser.json(this.browser.get(ISSUER + ".well-known/openid-configuration"));
		assertThat(discovery.get("issuer").asString()).isEqualTo(ISSUER);
		assertThat(discovery.get("authorization_endpoint").asString()).isEqualTo(ISSUER + "authorize");
		assertThat(discovery.get("token_endpoint").asString()).isEqualTo(ISSUER + "oauth/token");
		assertThat(discovery.get("userinfo_endpoint").asString()).isEqualTo(ISSUER + "userinfo");
		assertThat(discovery.get("jwks_uri").asString()).isEqualTo(ISSUER + ".well-known/jwks.json");
		assertThat(discovery.get("revocation_endpoint").asString()).isEqualTo(ISSUER + "oauth/revoke");
		assertThat(discovery.get("end_session_endpoint").asString()).isEqualTo(ISSUER + "oidc/logout");
		assertThat(discovery.get("token_endpoint_auth_methods_supported").values()).extracting(JsonNode::asString)
			.containsExactlyInAnyOrder("client_secret_basic", "client_secret_post");
		assertThat(discovery.get("backchannel_logout_supported").asBoolean()).isTrue();
		assertThat(discovery.get("backchannel_logout_session_supported").asBoolean()).isTrue();
	}

	// Auth0 has no introspection endpoint, so neither document may name one.
	@Test
	void discoveryWhenFetchedThenNoIntrospectionEndpoint() {
		for (String document : new String[] { "openid-configuration", "oauth-authorization-server" }) {
			JsonNode discovery = this.browser.json(this.browser.get(ISSUER + ".well-known/" + document));
			assertThat(discovery.has("token_endpoint")).as(document).isTrue();
			assertThat(discovery.has("introspection_endpoint")).as(document).isFalse();
			assertThat(discovery.has("introspection_endpoint_auth_methods_supported")).as(document).isFalse();
		}
	}

	@Test
	void jwksWhenFetchedThenOneRs256SigningKeyWithKid() {
		JsonNode key = this.browser.json(this.browser.get(ISSUER + ".well-known/jwks.json")).get("keys").get(0);
		assertThat(key.get("kty").asString()).isEqualTo("RSA");
		assertThat(key.get("alg").asString()).isEqualTo("RS256");
		assertThat(key.get("use").asString()).isEqualTo("sig");
		assertThat(key.get("kid").asString()).isNotBlank();
		assertThat(key.has("d")).isFalse();
	}

	@Test
	void decoderFromIssuerOnlyWhenUserTokenThenValid() {
		Authorize authorize = Authorize.gateway("openid profile", TestLogins.API_AUDIENCE);
		JsonNode tokens = this.browser
			.json(this.browser.exchange(this.browser.login(authorize, "alice", "alice"), TestLogins.GATEWAY_SECRET));
		JwtDecoder decoder = JwtDecoders.fromIssuerLocation(ISSUER);
		Jwt accessToken = decoder.decode(tokens.get("access_token").asString());
		assertThat(accessToken.getIssuer()).hasToString(ISSUER);
	}

	@Test
	void decoderFromIssuerOnlyWhenClientCredentialsTokenThenValid() {
		HttpResponse<String> response = this.browser.token(Map.of("grant_type", "client_credentials", "audience",
				ISSUER + "api/v2/", "client_id", "porter-profile", "client_secret", "porter-profile-dev-secret"), null,
				null);
		JwtDecoder decoder = JwtDecoders.fromIssuerLocation(ISSUER);
		Jwt accessToken = decoder.decode(this.browser.json(response).get("access_token").asString());
		assertThat(accessToken.getIssuer()).hasToString(ISSUER);
	}

}
