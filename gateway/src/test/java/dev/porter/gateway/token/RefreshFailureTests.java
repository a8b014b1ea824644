package dev.porter.gateway.token;

import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A token endpoint that fails during a refresh (the IdP's 500, 503, 429): the session
 * backs off — one attempt per backoff interval, a minute here so that the bound does not
 * depend on how fast the test runs — and every request in between is answered at once.
 */
@TestPropertySource(properties = { "porter.token.refresh-backoff=1m", "porter.token.refresh-backoff-max=1m" })
class RefreshFailureTests extends GatewayTestSupport {

	private static final int REQUESTS = 7;

	@ParameterizedTest
	@ValueSource(ints = { 500, 503, 429 })
	void getMeWhenTokenEndpointFailsAndAccessTokenExpiredThen503WithRetryAfterAndOneAttempt(int status) {
		Browser browser = browser().login("auth0|alice", 1);
		Instant expired = Instant.now().plusSeconds(1);
		failRefreshes(browser, status);
		awaitPassing(expired);

		for (int i = 0; i < REQUESTS; i++) {
			browser.get("/me")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectHeader()
				.exists(HttpHeaders.RETRY_AFTER)
				.expectHeader()
				.value(HttpHeaders.RETRY_AFTER,
						(retryAfter) -> assertThat(Long.parseLong(retryAfter)).isBetween(1L, 60L));
		}

		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("grant_type=refresh_token")));
		PROFILE.verify(0, getRequestedFor(urlPathEqualTo("/me")));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	@ParameterizedTest
	@ValueSource(ints = { 500, 503, 429 })
	void getMeWhenTokenEndpointFailsAndAccessTokenStillValidThenRelaysItWithOneAttempt(int status) {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		// Inside the 60 s refresh-ahead window, not yet expired.
		Browser browser = browser().login("auth0|alice", 30);
		failRefreshes(browser, status);

		for (int i = 0; i < REQUESTS; i++) {
			browser.get("/me").exchange().expectStatus().isOk();
		}

		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("grant_type=refresh_token")));
		PROFILE.verify(REQUESTS, getRequestedFor(urlPathEqualTo("/me")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer " + browser.tokens().accessToken())));
	}

	private static void failRefreshes(Browser browser, int status) {
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token"))
				.withRequestBody(containing("refresh_token=" + browser.tokens().refreshToken()))
				.willReturn(aResponse().withStatus(status)
					.withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
					.withBody("{\"error\":\"temporarily_unavailable\",\"error_description\":\"try later\"}")));
	}

	/** Waits until the access token's expiry (its issue plus 1 s) has passed. */
	private static void awaitPassing(Instant expiry) {
		while (!Instant.now().isAfter(expiry)) {
			try {
				Thread.sleep(Math.max(1, Duration.between(Instant.now(), expiry).toMillis() + 20));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

}
