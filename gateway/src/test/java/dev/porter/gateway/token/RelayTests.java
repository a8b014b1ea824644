package dev.porter.gateway.token;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

class RelayTests extends GatewayTestSupport {

	@Test
	void getMeWhenLoggedInThenRelaysBearerWithoutBrowserCredentials() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = browser().login("auth0|alice", 3600);
		browser.get("/me")
			.header(HttpHeaders.AUTHORIZATION, "Bearer forged-by-the-browser")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.sub")
			.isEqualTo("auth0|alice");
		PROFILE.verify(1,
				getRequestedFor(urlPathEqualTo("/me"))
					.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + browser.tokens().accessToken()))
					.withHeader(HttpHeaders.COOKIE, absent()));
	}

	@Test
	void patchMetadataWhenXsrfHeaderMissingThenForbiddenAndNothingForwarded() {
		Browser browser = browser().login("auth0|alice", 3600);
		browser.xsrf();
		browser.patchMetadata(null, "{\"theme\":\"dark\"}")
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		PROFILE.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenXsrfHeaderEchoesCookieThenForwardedWithBearerAndWithoutCookie() {
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata")).willReturn(okJson("{\"user_metadata\":{}}")));
		Browser browser = browser().login("auth0|alice", 3600);
		String xsrf = browser.xsrf();
		browser.patchMetadata(xsrf, "{\"theme\":\"dark\"}").expectStatus().isOk();
		PROFILE.verify(1,
				patchRequestedFor(urlPathEqualTo("/me/metadata"))
					.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + browser.tokens().accessToken()))
					.withHeader(HttpHeaders.COOKIE, absent())
					.withHeader("X-XSRF-TOKEN", absent()));
	}

	@Test
	void getMeWhenUpstreamTooSlowThenServiceUnavailableWithRetryAfterWithinTimeout() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{}").withFixedDelay(4000)));
		Browser browser = browser().login("auth0|alice", 3600);
		// The upstream would answer 200 after 4 s: a 503 is the relay's own timeout (1
		// s).
		browser.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER);
	}

}
