package dev.porter.gateway.login;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.nimbusds.jose.jwk.RSAKey;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The login callback when the IdP's signing keys cannot be fetched: the ID token's
 * signature cannot be checked, so the login fails like any other, and the callback's
 * one-time {@code code} and {@code state} appear in no log line. The gateway's clock is a
 * {@link MovableClock}: each test starts past any report of a failed login an earlier one
 * made ({@link LoginFailureLog}).
 */
@Import(MovableGatewayClock.class)
@ExtendWith(OutputCaptureExtension.class)
class IdTokenKeysTests extends GatewayTestSupport {

	@Autowired
	private MovableClock clock;

	@BeforeEach
	void clockPastEarlierReports() {
		Instant later = this.clock.instant().isAfter(Instant.now()) ? this.clock.instant() : Instant.now();
		this.clock.moveTo(later.plus(LoginFailureLog.INTERVAL));
	}

	@AfterEach
	void restoreJwks() {
		TestIdp.instance().stubDiscovery();
	}

	@Test
	void callbackWhenJwksAnswers500ThenLoginFailsAndNoLogLineHoldsCodeOrState(CapturedOutput output) {
		failJwks(aResponse().withStatus(500).withBody("{\"error\":\"boom\"}"));
		assertLoginFailsWithoutLeaking(output);
	}

	@Test
	void callbackWhenJwksHangsThenLoginFailsAtTheIdpTimeoutAndNoLogLineHoldsCodeOrState(CapturedOutput output) {
		// Longer than the test client waits (12 s), which is far longer than the IdP
		// client's response timeout (IDP_RESPONSE_TIMEOUT).
		failJwks(aResponse().withStatus(200).withBody("{\"keys\":[]}").withFixedDelay(20_000));
		assertLoginFailsWithoutLeaking(output);
	}

	/**
	 * The IdP client's response timeout bounds the gap between two reads, not the whole
	 * answer: a JWKS that trickled in held the callback for as long as it trickled.
	 */
	@Test
	void callbackWhenJwksTricklesInThenLoginFailsAtTheIdpTimeoutAndNoLogLineHoldsCodeOrState(CapturedOutput output) {
		RSAKey rotated = TestIdp.instance().newKey();
		TestIdp.instance().publishTrickled(rotated, Duration.ofSeconds(20));
		assertLoginFailsWithoutLeaking(output,
				(nonce) -> TestIdp.instance().stubCodeExchangeSignedWith(rotated, nonce, "auth0|alice"));
	}

	@Test
	void callbackWhenJwksIsNotJsonThenLoginFailsAndNoLogLineHoldsCodeOrState(CapturedOutput output) {
		failJwks(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("<html>"));
		assertLoginFailsWithoutLeaking(output);
	}

	private void assertLoginFailsWithoutLeaking(CapturedOutput output) {
		// A key the gateway has not seen yet: checking the ID token needs the JWKS.
		assertLoginFailsWithoutLeaking(output,
				(nonce) -> TestIdp.instance().stubCodeExchangeWithRotatedKey(nonce, "auth0|alice"));
	}

	/** A login whose code exchange {@code codeExchange} stubs for the login's nonce. */
	private void assertLoginFailsWithoutLeaking(CapturedOutput output, Consumer<String> codeExchange) {
		String code = "code-" + UUID.randomUUID();
		EntityExchangeResult<byte[]> start = this.client.get()
			.uri("/bff/login?returnTo=/ok/path")
			.exchange()
			.expectBody()
			.returnResult();
		// The pending login travels in its own cookies: send back whatever the start set.
		MultiValueMap<String, ResponseCookie> startCookies = start.getResponseCookies();
		assertThat(startCookies).as("login start sets its pending-login cookie").isNotEmpty();
		MultiValueMap<String, String> authorize = UriComponentsBuilder.fromUri(start.getResponseHeaders().getLocation())
			.build()
			.getQueryParams();
		String state = URLDecoder.decode(authorize.getFirst("state"), StandardCharsets.UTF_8);
		codeExchange.accept(authorize.getFirst("nonce"));

		URI landing = this.client.mutate()
			.responseTimeout(Duration.ofSeconds(12))
			.build()
			.get()
			.uri("/login/oauth2/code/auth0?code={code}&state={state}", code, state)
			.cookies((cookies) -> startCookies.forEach((name, values) -> cookies.add(name, values.get(0).getValue())))
			.exchange()
			.expectStatus()
			.isFound()
			.expectBody()
			.returnResult()
			.getResponseHeaders()
			.getLocation();

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		// the failure must come from the keys, not from a lost pending login
		assertThat(output.getAll()).contains("login failed")
			.doesNotContain("authorization_request_not_found")
			.doesNotContain(code)
			.doesNotContain(state);
	}

	private static void failJwks(ResponseDefinitionBuilder response) {
		TestIdp.instance().server().stubFor(get(urlPathEqualTo("/.well-known/jwks.json")).willReturn(response));
	}

}
