package dev.porter.gateway.config;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code 401} carries a challenge (RFC 9110, 15.5.2): the gateway's own, in a scheme no
 * browser answers with a password prompt, whether the gateway refused the request or
 * relayed profile-service's refusal. Its {@code login_url} member still says where to
 * sign in; no other answer carries a challenge.
 */
class AuthenticationChallengeTests extends GatewayTestSupport {

	private static final String CHALLENGE = "Session realm=\"porter\"";

	@ParameterizedTest
	@ValueSource(strings = { "/me", "/me/metadata", "/bff/sessions" })
	void requestWhenNoSessionThenLoginRequiredWithTheGatewaysChallenge(String path) {
		this.client.get()
			.uri(path)
			.header(HttpHeaders.ACCEPT, "application/json")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
			.expectBody()
			.jsonPath("$.login_url")
			.isEqualTo("/bff/login");
	}

	/**
	 * profile-service's own challenge stays behind: a {@code Bearer} one speaks of the
	 * gateway's token, and a {@code Basic} one would open the browser's password prompt
	 * on the gateway's origin. (Not {@code error="invalid_token"}: the gateway renews the
	 * session's tokens on that one first, {@code TokenRefusedByTheApiTests}.)
	 */
	@ParameterizedTest
	@ValueSource(strings = { "Bearer error=\"insufficient_scope\"", "Basic realm=\"profile\"", "" })
	void relayedRefusalWhenUpstreamAnswers401ThenTheGatewaysChallengeInstead(String upstreamChallenge) {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(upstreamChallenge.isEmpty() ? aResponse().withStatus(401)
				: aResponse().withStatus(401).withHeader(HttpHeaders.WWW_AUTHENTICATE, upstreamChallenge)));
		Browser alice = browser().login("auth0|alice", 3600);

		HttpHeaders headers = alice.get("/me")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.returnResult(Void.class)
			.getResponseHeaders();

		assertThat(headers.get(HttpHeaders.WWW_AUTHENTICATE)).containsExactly(CHALLENGE);
	}

	@Test
	void answerWhenNotUnauthorizedThenNoChallenge() {
		PROFILE.stubFor(get(urlPathEqualTo("/me"))
			.willReturn(okJson("{}").withHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"profile\"")));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.get("/me").exchange().expectStatus().isOk().expectHeader().doesNotExist(HttpHeaders.WWW_AUTHENTICATE);
		alice.method(HttpMethod.DELETE, "/bff/sessions/unknown")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.doesNotExist(HttpHeaders.WWW_AUTHENTICATE);
	}

}
