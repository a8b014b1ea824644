package dev.porter.profile.oidc;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.StepVerifier;

import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.testsupport.TestJwts;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class OidcEndpointsTests {

	private final MutableClock clock = new MutableClock();

	private final WireMockServer idp = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	@BeforeEach
	void start() {
		this.idp.start();
	}

	@AfterEach
	void stop() {
		this.idp.stop();
	}

	// A provider whose discovery names no userinfo endpoint: every GET /me answered 503
	// "try again", and the cause showed only as an exception class name in the log.
	@Test
	void userinfoUriWhenDiscoveryNamesNoneThenTheLogSaysWhichSettingToSetOnce(CapturedOutput output) {
		String issuer = "http://127.0.0.1:" + this.idp.port() + "/";
		this.idp.stubFor(get(urlEqualTo("/.well-known/openid-configuration"))
			.willReturn(okJson("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "jwks\"}")));
		OidcProperties properties = new OidcProperties(issuer, TestJwts.AUDIENCE, null, null, Duration.ofSeconds(60),
				"sub");
		OidcEndpoints endpoints = new OidcEndpoints(properties, WebClient.create(), this.clock);

		for (int i = 0; i < 3; i++) {
			StepVerifier.create(endpoints.userinfoUri()).expectError().verify(Duration.ofSeconds(5));
		}

		assertThat(output.getOut().split("OIDC_USERINFO_URI", -1)).as("named once").hasSize(2);
	}

	// An Auth0 custom domain configured where tokens carry the tenant domain (or the
	// reverse): every request answered 503 and nothing in the log said why.
	@Test
	void issuerWhenDiscoveryStatesAnotherIssuerThenTheLogNamesOidcIssuerUriOnce(CapturedOutput output) {
		String issuer = "http://127.0.0.1:" + this.idp.port() + "/";
		this.idp.stubFor(get(urlEqualTo("/.well-known/openid-configuration"))
			.willReturn(okJson("{\"issuer\":\"https://tenant.eu.auth0.com/\",\"jwks_uri\":\"" + issuer + "jwks\"}")));
		OidcEndpoints endpoints = new OidcEndpoints(properties(issuer), WebClient.create(), this.clock);

		for (int i = 0; i < 5; i++) {
			StepVerifier.create(endpoints.issuer()).expectError().verify(Duration.ofSeconds(5));
		}

		assertThat(output.getOut().split("OIDC_ISSUER_URI", -1)).as("named once").hasSize(2);
		assertThat(output.getOut()).contains("https://tenant.eu.auth0.com/");
	}

	@Test
	void issuerWhenDiscoveryUnreachableThenOneLinePerIntervalWithACount(CapturedOutput output) {
		String issuer = "http://127.0.0.1:" + this.idp.port() + "/";
		this.idp.stubFor(get(urlEqualTo("/.well-known/openid-configuration")).willReturn(serverError()));
		OidcEndpoints endpoints = new OidcEndpoints(properties(issuer), WebClient.create(), this.clock);

		for (int i = 0; i < 5; i++) {
			StepVerifier.create(endpoints.issuer()).expectError().verify(Duration.ofSeconds(5));
		}
		assertThat(discoveryFailureLines(output)).hasSize(1).first().asString().contains("status 500");

		this.clock.advance(OidcEndpoints.LOG_INTERVAL);
		StepVerifier.create(endpoints.issuer()).expectError().verify(Duration.ofSeconds(5));
		assertThat(discoveryFailureLines(output)).hasSize(2).last().asString().contains("5 since the last report");
	}

	private static java.util.List<String> discoveryFailureLines(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains("identity provider discovery failed")).toList();
	}

	private static OidcProperties properties(String issuer) {
		return new OidcProperties(issuer, TestJwts.AUDIENCE, null, null, Duration.ofSeconds(60), "sub");
	}

}
