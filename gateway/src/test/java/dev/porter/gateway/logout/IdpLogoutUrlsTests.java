package dev.porter.gateway.logout;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.porter.gateway.bff.BffProperties;
import dev.porter.gateway.oidc.OidcProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;

import static org.assertj.core.api.Assertions.assertThat;

class IdpLogoutUrlsTests {

	private static final String ISSUER = "https://tenant.auth0.com/";

	private final IdpLogoutUrls urls = urls("");

	private final OidcIdToken idToken = idToken(Map.of("sub", "auth0|1", "sid", "sid-1"));

	@Test
	void logoutUrlWhenIdTokenHasSidThenLogoutHintAndClientIdWithoutIdToken() {
		URI url = this.urls.logoutUrl(registration(auth0WithEndSession(ISSUER)), this.idToken);
		assertThat(url.toString()).isEqualTo(ISSUER + "oidc/logout?logout_hint=sid-1"
				+ "&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F&client_id=client-1");
	}

	@Test
	void logoutUrlWhenIdTokenHasNoSidThenIdTokenHint() {
		URI url = this.urls.logoutUrl(registration(auth0WithEndSession(ISSUER)), idToken(Map.of("sub", "auth0|1")));
		assertThat(url.toString()).isEqualTo(ISSUER + "oidc/logout?id_token_hint=id.token.value"
				+ "&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F&client_id=client-1");
	}

	@Test
	void logoutUrlWhenIdTokenHintForcedThenIdTokenHintEvenWithSid() {
		URI url = urls("true").logoutUrl(registration(auth0WithEndSession(ISSUER)), this.idToken);
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
		URI url = this.urls.logoutUrl(registration(auth0WithEndSession(ISSUER)), null);
		assertThat(url.toString())
			.isEqualTo(ISSUER + "oidc/logout?post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F&client_id=client-1");
	}

	@Test
	void logoutUrlWhenNoIdTokenAndIdTokenHintForcedThenStillNoHint() {
		URI url = urls("true").logoutUrl(registration(auth0WithEndSession(ISSUER)), null);
		assertThat(url.toString())
			.isEqualTo(ISSUER + "oidc/logout?post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F&client_id=client-1");
	}

	// Okta's /v1/logout requires id_token_hint: with logout_hint it showed an error page
	// and left its session signed in, and at a shared computer the next person got in
	// without a password. Keycloak ignores logout_hint and asks the user to confirm; Ory
	// Hydra, Duende IdentityServer and Connect2id honour post_logout_redirect_uri only
	// with id_token_hint, which OIDC RP-Initiated Logout recommends. Only Auth0 (and
	// dev-idp, made like it) is known to end a session from logout_hint and client_id.
	@ParameterizedTest
	@CsvSource({
			"https://porter.okta.com/oauth2/default, https://porter.okta.com/oauth2/default/v1/token, https://porter.okta.com/oauth2/default/v1/logout",
			"https://sso.example.com/realms/porter, https://sso.example.com/realms/porter/protocol/openid-connect/token, https://sso.example.com/realms/porter/protocol/openid-connect/logout",
			"https://hydra.example.com/, https://hydra.example.com/oauth2/token, https://hydra.example.com/oauth2/sessions/logout",
			"https://demo.duendesoftware.com, https://demo.duendesoftware.com/connect/token, https://demo.duendesoftware.com/connect/endsession" })
	void logoutUrlWhenTheIdpIsNotAuth0ThenIdTokenHintByDefault(String issuer, String tokenEndpoint, String endSession) {
		URI url = urls(issuer, "").logoutUrl(
				registration(
						Map.of("issuer", issuer, "token_endpoint", tokenEndpoint, "end_session_endpoint", endSession)),
				this.idToken);

		assertThat(url.toString()).isEqualTo(endSession + "?id_token_hint=id.token.value"
				+ "&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F&client_id=client-1");
	}

	// dev-idp's issuer has no trailing slash; Auth0's custom domains are Auth0's.
	@ParameterizedTest
	@CsvSource({ "https://tenant.auth0.com/", "https://login.example.com/", "http://localhost:9000" })
	void logoutUrlWhenTheIdpIsAuth0LikeThenLogoutHintByDefault(String issuer) {
		String slashed = issuer.endsWith("/") ? issuer : issuer + "/";
		URI url = urls(issuer, "").logoutUrl(registration(Map.of("issuer", issuer, "token_endpoint",
				slashed + "oauth/token", "end_session_endpoint", slashed + "oidc/logout")), this.idToken);

		assertThat(url.toString()).isEqualTo(slashed + "oidc/logout?logout_hint=sid-1"
				+ "&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F&client_id=client-1");
	}

	@Test
	void logoutUrlWhenLogoutHintForcedOnANonAuth0IdpThenLogoutHint() {
		URI url = urls("false").logoutUrl(registration(okta()), this.idToken);

		assertThat(url.toString()).isEqualTo("https://porter.okta.com/oauth2/default/v1/logout?logout_hint=sid-1"
				+ "&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F&client_id=client-1");
	}

	@Test
	void logoutUrlWhenLogoutHintForcedAndTheIdTokenHasNoSidThenIdTokenHint() {
		URI url = urls("false").logoutUrl(registration(okta()), idToken(Map.of("sub", "00u1")));

		assertThat(url.toString())
			.startsWith("https://porter.okta.com/oauth2/default/v1/logout?id_token_hint=id.token.value&");
	}

	@Test
	void logoutUrlWhenNoIdTokenAndTheIdpIsNotAuth0ThenEndSessionWithClientIdAndNoHint() {
		URI url = this.urls.logoutUrl(registration(okta()), null);

		assertThat(url.toString()).isEqualTo("https://porter.okta.com/oauth2/default/v1/logout"
				+ "?post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F&client_id=client-1");
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
		URI url = urls(google, "").logoutUrl(
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
		URI url = urls(customDomain, "").logoutUrl(registration(auth0Discovery(customDomain)), this.idToken);
		assertThat(url.toString())
			.isEqualTo(customDomain + "v2/logout?client_id=client-1&returnTo=https%3A%2F%2Fapp.example%2F");
	}

	@Test
	void logoutUrlWhenGoogleWithoutEndSessionEndpointThenLocalUrl() {
		String google = "https://accounts.google.com";
		URI url = urls(google, "").logoutUrl(
				registration(Map.of("issuer", google, "token_endpoint", "https://oauth2.googleapis.com/token")),
				this.idToken);
		assertThat(url).isEqualTo(URI.create("https://app.example/"));
	}

	@Test
	void logoutUrlWhenAppleWithoutEndSessionEndpointThenLocalUrl() {
		String apple = "https://appleid.apple.com";
		URI url = urls(apple, "")
			.logoutUrl(registration(Map.of("issuer", apple, "token_endpoint", apple + "/auth/token")), this.idToken);
		assertThat(url).isEqualTo(URI.create("https://app.example/"));
	}

	@Test
	void logoutUrlWhenCognitoWithoutEndSessionEndpointThenLocalUrl() {
		String cognito = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123";
		URI url = urls(cognito, "").logoutUrl(registration(Map.of("issuer", cognito, "token_endpoint",
				"https://porter.auth.eu-west-1.amazoncognito.com/oauth2/token")), this.idToken);
		assertThat(url).isEqualTo(URI.create("https://app.example/"));
	}

	/** Auth0's discovery where the tenant advertises its end-session endpoint. */
	private static Map<String, Object> auth0WithEndSession(String issuer) {
		Map<String, Object> metadata = new HashMap<>(auth0Discovery(issuer));
		metadata.put("end_session_endpoint", issuer + "oidc/logout");
		return metadata;
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

	private static Map<String, Object> okta() {
		String issuer = "https://porter.okta.com/oauth2/default";
		return Map.of("issuer", issuer, "token_endpoint", issuer + "/v1/token", "end_session_endpoint",
				issuer + "/v1/logout");
	}

	private static OidcIdToken idToken(Map<String, Object> claims) {
		return new OidcIdToken("id.token.value", Instant.now(), Instant.now().plusSeconds(60), claims);
	}

	/** {@code idTokenHint}: {@code LOGOUT_ID_TOKEN_HINT} as set, blank when unset. */
	private static IdpLogoutUrls urls(String idTokenHint) {
		return urls(ISSUER, idTokenHint);
	}

	private static IdpLogoutUrls urls(String issuer, String idTokenHint) {
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
