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

	/**
	 * No login to name (the gateway session already ended): the IdP's session may live on
	 * all the same. OIDC RP-Initiated Logout §3 lets {@code client_id} stand in for the
	 * hint; the IdP may ask the user to confirm.
	 */
	@Test
	void logoutUrlWhenNoIdTokenThenEndSessionWithClientIdAndNoHint() {
		URI url = this.urls.logoutUrl(registration(Map.of("end_session_endpoint", ISSUER + "oidc/logout")), null);
		assertThat(url.toString())
			.isEqualTo(ISSUER + "oidc/logout?post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F&client_id=client-1");
	}

	@Test
	void logoutUrlWhenNoIdTokenAndIdTokenHintForcedThenStillNoHint() {
		URI url = urls(true).logoutUrl(registration(Map.of("end_session_endpoint", ISSUER + "oidc/logout")), null);
		assertThat(url.toString())
			.isEqualTo(ISSUER + "oidc/logout?post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F&client_id=client-1");
	}

	@Test
	void logoutUrlWhenNoIdTokenAndAuth0WithoutEndSessionEndpointThenAuth0V2Logout() {
		URI url = this.urls.logoutUrl(registration(auth0Discovery(ISSUER)), null);
		assertThat(url.toString())
			.isEqualTo(ISSUER + "v2/logout?client_id=client-1&returnTo=https%3A%2F%2Fapp.example%2F");
	}

	@Test
	void logoutUrlWhenNoIdTokenAndGoogleWithoutEndSessionEndpointThenLocalUrl() {
		String google = "https://accounts.google.com";
		URI url = urls(google, false).logoutUrl(
				registration(Map.of("issuer", google, "token_endpoint", "https://oauth2.googleapis.com/token")), null);
		assertThat(url).isEqualTo(URI.create("https://app.example/"));
	}

	/** Tenants created before 14 Nov 2023 do not advertise their end-session endpoint. */
	@Test
	void logoutUrlWhenAuth0WithoutEndSessionEndpointThenAuth0V2Logout() {
		URI url = this.urls.logoutUrl(registration(auth0Discovery(ISSUER)), this.idToken);
		assertThat(url.toString())
			.isEqualTo(ISSUER + "v2/logout?client_id=client-1&returnTo=https%3A%2F%2Fapp.example%2F");
	}

	@Test
	void logoutUrlWhenAuth0CustomDomainWithoutEndSessionEndpointThenV2LogoutOnCustomDomain() {
		String customDomain = "https://login.example.com/";
		URI url = urls(customDomain, false).logoutUrl(registration(auth0Discovery(customDomain)), this.idToken);
		assertThat(url.toString())
			.isEqualTo(customDomain + "v2/logout?client_id=client-1&returnTo=https%3A%2F%2Fapp.example%2F");
	}

	@Test
	void logoutUrlWhenGoogleWithoutEndSessionEndpointThenLocalUrl() {
		String google = "https://accounts.google.com";
		URI url = urls(google, false).logoutUrl(
				registration(Map.of("issuer", google, "token_endpoint", "https://oauth2.googleapis.com/token")),
				this.idToken);
		assertThat(url).isEqualTo(URI.create("https://app.example/"));
	}

	@Test
	void logoutUrlWhenAppleWithoutEndSessionEndpointThenLocalUrl() {
		String apple = "https://appleid.apple.com";
		URI url = urls(apple, false)
			.logoutUrl(registration(Map.of("issuer", apple, "token_endpoint", apple + "/auth/token")), this.idToken);
		assertThat(url).isEqualTo(URI.create("https://app.example/"));
	}

	@Test
	void logoutUrlWhenCognitoWithoutEndSessionEndpointThenLocalUrl() {
		String cognito = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123";
		URI url = urls(cognito, false).logoutUrl(registration(Map.of("issuer", cognito, "token_endpoint",
				"https://porter.auth.eu-west-1.amazoncognito.com/oauth2/token")), this.idToken);
		assertThat(url).isEqualTo(URI.create("https://app.example/"));
	}

	/**
	 * What Auth0's discovery says of its own endpoints (auth0-contract.md §9), without an
	 * end-session endpoint.
	 */
	private static Map<String, Object> auth0Discovery(String issuer) {
		return Map.of("issuer", issuer, "authorization_endpoint", issuer + "authorize", "token_endpoint",
				issuer + "oauth/token", "userinfo_endpoint", issuer + "userinfo", "revocation_endpoint",
				issuer + "oauth/revoke");
	}

	private static OidcIdToken idToken(Map<String, Object> claims) {
		return new OidcIdToken("id.token.value", Instant.now(), Instant.now().plusSeconds(60), claims);
	}

	private static IdpLogoutUrls urls(boolean idTokenHint) {
		return urls(ISSUER, idTokenHint);
	}

	private static IdpLogoutUrls urls(String issuer, boolean idTokenHint) {
		return new IdpLogoutUrls(
				new OidcProperties(URI.create(issuer), "client-1", "secret", List.of("openid"), "https://api", null,
						null, null, null, null, Duration.ofSeconds(5), Duration.ofSeconds(5), true),
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
