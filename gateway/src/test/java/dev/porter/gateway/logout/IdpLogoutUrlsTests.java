package dev.porter.gateway.logout;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.porter.gateway.bff.BffProperties;
import dev.porter.gateway.oidc.OidcProperties;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;

import static org.assertj.core.api.Assertions.assertThat;

class IdpLogoutUrlsTests {

	private static final String ISSUER = "https://tenant.auth0.com/";

	private final IdpLogoutUrls urls = urls(false);

	private final OidcIdToken idToken = idToken(Map.of("sub", "auth0|1", "sid", "sid-1"));

	@Test
	void logoutUrlWhenIdTokenHasSidThenLogoutHintAndClientIdWithoutIdToken() {
		URI url = this.urls.logoutUrl(registration(Map.of("end_session_endpoint", ISSUER + "oidc/logout")),
				this.idToken);
		assertThat(url.toString()).isEqualTo(ISSUER + "oidc/logout?logout_hint=sid-1"
				+ "&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F&client_id=client-1");
	}

	@Test
	void logoutUrlWhenIdTokenHasNoSidThenIdTokenHint() {
		URI url = this.urls.logoutUrl(registration(Map.of("end_session_endpoint", ISSUER + "oidc/logout")),
				idToken(Map.of("sub", "auth0|1")));
		assertThat(url.toString()).isEqualTo(ISSUER + "oidc/logout?id_token_hint=id.token.value"
				+ "&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F&client_id=client-1");
	}

	@Test
	void logoutUrlWhenIdTokenHintForcedThenIdTokenHintEvenWithSid() {
		URI url = urls(true).logoutUrl(registration(Map.of("end_session_endpoint", ISSUER + "oidc/logout")),
				this.idToken);
		assertThat(url.toString()).isEqualTo(ISSUER + "oidc/logout?id_token_hint=id.token.value"
				+ "&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F&client_id=client-1");
	}

	@Test
	void logoutUrlWhenNoEndSessionEndpointThenAuth0V2Logout() {
		URI url = this.urls.logoutUrl(registration(Map.of()), this.idToken);
		assertThat(url.toString())
			.isEqualTo(ISSUER + "v2/logout?client_id=client-1&returnTo=https%3A%2F%2Fapp.example%2F");
	}

	private static OidcIdToken idToken(Map<String, Object> claims) {
		return new OidcIdToken("id.token.value", Instant.now(), Instant.now().plusSeconds(60), claims);
	}

	private static IdpLogoutUrls urls(boolean idTokenHint) {
		return new IdpLogoutUrls(
				new OidcProperties(URI.create(ISSUER), "client-1", "secret", List.of("openid"), "https://api", null,
						null, null, null, null, Duration.ofSeconds(5), Duration.ofSeconds(5)),
				new BffProperties(URI.create("https://app.example")), new LogoutProperties(idTokenHint));
	}

	private static ClientRegistration registration(Map<String, Object> metadata) {
		return ClientRegistration.withRegistrationId("auth0")
			.clientId("client-1")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("https://app.example/login/oauth2/code/auth0")
			.authorizationUri(ISSUER + "authorize")
			.tokenUri(ISSUER + "oauth/token")
			.providerConfigurationMetadata(metadata)
			.build();
	}

}
