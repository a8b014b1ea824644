package dev.porter.gateway.oidc;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.StepVerifier;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class TokenRevokerTests {

	private final WireMockServer idp = started();

	@AfterEach
	void stop() {
		this.idp.stop();
	}

	// A revocation refused for a wrong path or a wrong secret read "NotFound" or
	// "Unauthorized", and a refused connection "WebClientRequestException", with no URL.
	@Test
	void revokeWhenEndpointAnswers401ThenCompletesAndLogsTheStatusAndTheEndpoint(CapturedOutput output) {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/revoke"))
			.willReturn(aResponse().withStatus(401).withBody("{\"error\":\"Zq9\"}")));

		StepVerifier
			.create(new TokenRevoker(WebClient.create()).revoke(registration(this.idp.baseUrl() + "/oauth/revoke"),
					new OAuth2RefreshToken("rt-Zq8", null)))
			.expectComplete()
			.verify(Duration.ofSeconds(10));

		assertThat(output.getOut()).contains("revocation failed", "status 401", this.idp.baseUrl() + "/oauth/revoke")
			.doesNotContain("Zq9")
			.doesNotContain("rt-Zq8");
	}

	/**
	 * RFC 6749 2.3.1: the client id and secret are form-encoded before Basic, as Spring
	 * Security's code exchange and refresh send them. Sent raw, a secret with {@code +},
	 * {@code /}, {@code =} or {@code %} (a base64 one) was refused by an IdP that decodes
	 * them (Keycloak), and nothing was revoked.
	 */
	@Test
	void revokeWhenTheSecretHoldsReservedCharactersThenTheyAreFormEncodedBeforeBasic() {
		this.idp.stubFor(post(urlPathEqualTo("/oauth/revoke")).willReturn(aResponse().withStatus(200)));
		String secret = "a+b/c=d%e f";
		ClientRegistration registration = ClientRegistration
			.withClientRegistration(registration(this.idp.baseUrl() + "/oauth/revoke"))
			.clientId("client:1")
			.clientSecret(secret)
			.build();

		StepVerifier
			.create(new TokenRevoker(WebClient.create()).revoke(registration, new OAuth2RefreshToken("rt", null)))
			.expectComplete()
			.verify(Duration.ofSeconds(10));

		String credentials = "client%3A1:a%2Bb%2Fc%3Dd%25e+f";
		this.idp.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))));
	}

	@Test
	void revokeWhenEndpointRefusesConnectionsThenCompletesAndLogsTheRootCause(CapturedOutput output) {
		String endpoint = this.idp.baseUrl() + "/oauth/revoke";
		this.idp.stop();

		StepVerifier.create(
				new TokenRevoker(WebClient.create()).revoke(registration(endpoint), new OAuth2RefreshToken("rt", null)))
			.expectComplete()
			.verify(Duration.ofSeconds(10));

		assertThat(output.getOut()).contains("revocation failed", "ConnectException", endpoint);
	}

	private static ClientRegistration registration(String revocationEndpoint) {
		return ClientRegistration.withRegistrationId("auth0")
			.clientId("client-1")
			.clientSecret("secret")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://localhost/login/oauth2/code/auth0")
			.authorizationUri("http://idp.invalid/authorize")
			.tokenUri("http://idp.invalid/oauth/token")
			.providerConfigurationMetadata(Map.of("revocation_endpoint", revocationEndpoint))
			.build();
	}

	private static WireMockServer started() {
		WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
		server.start();
		return server;
	}

}
