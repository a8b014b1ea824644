package dev.porter.gateway.oidc;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.porter.gateway.bff.BffProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registration is built from discovery once, not on each of the calls every relayed
 * request makes, and holds what discovery and the explicit back-channel URIs say.
 */
class DiscoveredClientRegistrationRepositoryTests {

	private static final String ISSUER = "http://idp.invalid/";

	private final WireMockServer backChannel = started();

	@AfterEach
	void stop() {
		this.backChannel.stop();
	}

	@Test
	void registrationWhenAskedAgainThenTheSameOneBuiltFromOneDiscovery() {
		this.backChannel
			.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration")).willReturn(okJson("{\"issuer\":\""
					+ ISSUER + "\",\"authorization_endpoint\":\"" + ISSUER + "authorize\",\"token_endpoint\":\""
					+ ISSUER + "oauth/token\",\"jwks_uri\":\"" + ISSUER + "jwks\"}")));
		URI tokenUri = URI.create(this.backChannel.baseUrl() + "/oauth/token");
		OidcProperties oidc = new OidcProperties(URI.create(ISSUER), "client-1", "secret",
				List.of("openid profile", "offline_access"), "https://api", tokenUri, null, null,
				URI.create(this.backChannel.baseUrl() + "/.well-known/openid-configuration"), null,
				Duration.ofSeconds(5), Duration.ofSeconds(5), true);
		DiscoveredClientRegistrationRepository repository = new DiscoveredClientRegistrationRepository(
				new OidcDiscovery(WebClient.create(), oidc, java.time.Clock.systemUTC()), oidc,
				new BffProperties(URI.create("https://bff.test/")));

		ClientRegistration first = repository.registration().block();
		ClientRegistration second = repository.registration().block();

		assertThat(second).isSameAs(first);
		assertThat(first.getClientId()).isEqualTo("client-1");
		assertThat(first.getScopes()).containsExactlyInAnyOrder("openid", "profile", "offline_access");
		assertThat(first.getRedirectUri()).isEqualTo("https://bff.test/login/oauth2/code/auth0");
		assertThat(first.getProviderDetails().getAuthorizationUri()).isEqualTo(ISSUER + "authorize");
		assertThat(first.getProviderDetails().getTokenUri()).isEqualTo(tokenUri.toString());
		assertThat(first.getProviderDetails().getJwkSetUri()).isEqualTo(ISSUER + "jwks");
		this.backChannel.verify(1, getRequestedFor(urlPathEqualTo("/.well-known/openid-configuration")));
	}

	private static WireMockServer started() {
		WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
		server.start();
		return server;
	}

}
