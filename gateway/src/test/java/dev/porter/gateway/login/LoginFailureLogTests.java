package dev.porter.gateway.login;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.LoginStarter;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestIdp;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator reads when logins fail: an operator's fault (the gateway's client
 * credentials, the API audience) named by its setting, and a failure anyone can cause at
 * will logged once per interval with a count. The gateway's clock is a
 * {@link MovableClock}: each test starts past any report an earlier one made.
 */
@Import(MovableGatewayClock.class)
@ExtendWith(OutputCaptureExtension.class)
class LoginFailureLogTests extends GatewayTestSupport {

	@Autowired
	private MovableClock clock;

	@Autowired
	private MeterRegistry meters;

	@BeforeEach
	void clockPastEarlierReports() {
		Instant later = this.clock.instant().isAfter(Instant.now()) ? this.clock.instant() : Instant.now();
		this.clock.moveTo(later.plus(LoginFailureLog.INTERVAL));
	}

	// Auth0 answers a wrong client secret with 401 access_denied: the log read "login
	// failed: access_denied", as when a user refuses consent, and named no setting.
	@ParameterizedTest
	@CsvSource({ "401, access_denied", "401, unauthorized_client", "400, invalid_client" })
	void callbackWhenTokenEndpointRejectsTheClientThenErrorNamesTheClientSettings(int status, String error,
			CapturedOutput output) {
		String code = "code-" + UUID.randomUUID();
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token")).withRequestBody(containing("code=" + code))
				.willReturn(aResponse().withStatus(status)
					.withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
					.withBody("{\"error\":\"" + error + "\",\"error_description\":\"Unauthorized\"}")));

		URI landing = callback(code, null);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		assertThat(lines(output, "login failed")).singleElement()
			.satisfies((line) -> assertThat(line).contains("ERROR", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET",
					String.valueOf(status), error));
	}

	// A code the IdP no longer takes (replayed callback, expired code) is the login's
	// fault, whatever the status: some IdPs send invalid_grant with 401. Read as the
	// client's, it sent the operator to check settings that are right.
	@ParameterizedTest
	@CsvSource({ "401, invalid_grant", "400, invalid_grant" })
	void callbackWhenTokenEndpointRefusesTheCodeThenWarningWithoutClientSettings(int status, String error,
			CapturedOutput output) {
		String code = "code-" + UUID.randomUUID();
		TestIdp.instance()
			.server()
			.stubFor(post(urlPathEqualTo("/oauth/token")).withRequestBody(containing("code=" + code))
				.willReturn(aResponse().withStatus(status)
					.withHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
					.withBody("{\"error\":\"" + error + "\",\"error_description\":\"Invalid code\"}")));

		URI landing = callback(code, null);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		assertThat(lines(output, "login failed")).singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN", error, String.valueOf(status))
				.doesNotContain("OIDC_CLIENT_SECRET"));
	}

	// Auth0 sends the browser back with error=access_denied ("Service not found") when
	// API_AUDIENCE is not an API of the tenant: the log read as a user's refusal.
	@Test
	void callbackWhenIdpReturnsAccessDeniedThenLogNamesTheAudienceSetting(CapturedOutput output) {
		URI landing = callback(null, "access_denied");

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		assertThat(lines(output, "login failed")).singleElement()
			.satisfies((line) -> assertThat(line).contains("access_denied", "API_AUDIENCE").doesNotContain("ERROR"));
	}

	// Anyone could call the callback without a pending login, one WARN each.
	@Test
	void callbackWhenRepeatedWithoutPendingLoginThenOneLinePerIntervalWithACount(CapturedOutput output) {
		for (int i = 0; i < 5; i++) {
			callbackWithoutPendingLogin();
		}
		assertThat(lines(output, "authorization_request_not_found")).hasSize(1);

		this.clock.advance(LoginFailureLog.INTERVAL);
		callbackWithoutPendingLogin();

		assertThat(lines(output, "authorization_request_not_found")).hasSize(2)
			.last()
			.asString()
			.contains("5 since the last report");
	}

	// The error code comes from the callback's query: an unknown one must neither reach
	// the log as sent nor make a line (and a counter) of its own per value.
	@Test
	void callbackWhenIdpErrorCodeIsUnknownThenLoggedWithoutQuotingIt(CapturedOutput output) {
		callback(null, "made_up_Zq9");
		callback(null, "made_up_Zq8");

		assertThat(output.getAll()).doesNotContain("Zq9").doesNotContain("Zq8");
		assertThat(lines(output, "login failed")).hasSize(1);
	}

	/**
	 * A "Sign in" whose {@code returnTo} is no local path lands on {@code /?login=failed}
	 * as a failed login, and nothing said why. Logged as one, once per interval, by the
	 * rule it broke, never with what it said (a link's query can carry a token, and a
	 * caller's text has no place in the log), and counted as a failed login, the user's
	 * navigation and a script's alike.
	 */
	@Test
	void loginWhenReturnToIsNotLocalPathThenLoggedOncePerIntervalByTheRuleItBrokeAndCounted(CapturedOutput output) {
		double failures = failedLogins();
		String secret = "token-" + UUID.randomUUID();
		String returnTo = "https://app.example/profile?code=" + secret;

		for (LoginStarter starter : List.of(LoginStarter.USER, LoginStarter.USER, LoginStarter.SCRIPT_FETCH)) {
			this.client.get()
				.uri((uri) -> uri.path("/bff/login").queryParam("returnTo", "{r}").build(returnTo))
				.headers(starter.headers())
				.exchange()
				.expectStatus()
				.value((status) -> assertThat(status).isIn(302, 400));
		}

		assertThat(lines(output, "login failed")).singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN", "returnTo", "does not start with /",
					"1 since the last report"))
			.satisfies((line) -> assertThat(line).doesNotContain(secret, "app.example"));
		assertThat(failedLogins()).isEqualTo(failures + 3);

		this.clock.moveTo(this.clock.instant().plus(LoginFailureLog.INTERVAL));
		this.client.get()
			.uri((uri) -> uri.path("/bff/login").queryParam("returnTo", "{r}").build("//evil.example"))
			.exchange()
			.expectStatus()
			.isBadRequest();
		assertThat(lines(output, "login failed")).hasSize(2)
			.last()
			.satisfies((line) -> assertThat(line).contains("starts with // or /\\", "1 since the last report"));
	}

	private double failedLogins() {
		return this.meters.counter("porter.logins", "outcome", "failure").count();
	}

	private void callbackWithoutPendingLogin() {
		this.client.get()
			.uri("/login/oauth2/code/auth0?code=x&state=y")
			.exchange()
			.expectStatus()
			.isFound()
			.expectHeader()
			.location("/?login=failed");
	}

	/**
	 * Starts a login and comes back to the callback with {@code code}, or with the IdP's
	 * {@code error}.
	 */
	private URI callback(String code, String error) {
		EntityExchangeResult<byte[]> start = this.client.get()
			.uri("/bff/login?returnTo=/ok/path")
			.exchange()
			.expectBody()
			.returnResult();
		MultiValueMap<String, ResponseCookie> cookies = start.getResponseCookies();
		MultiValueMap<String, String> authorize = UriComponentsBuilder.fromUri(start.getResponseHeaders().getLocation())
			.build()
			.getQueryParams();
		String state = URLDecoder.decode(authorize.getFirst("state"), StandardCharsets.UTF_8);
		String query = (code != null) ? "code={code}&state={state}"
				: "error={error}&state={state}&error_description={description}";
		return this.client.get()
			.uri("/login/oauth2/code/auth0?" + query, (code != null) ? code : error, state,
					"Service not found: https://api.example")
			.cookies((jar) -> cookies.forEach((name, values) -> jar.add(name, values.get(0).getValue())))
			.exchange()
			.expectStatus()
			.isFound()
			.expectBody()
			.returnResult()
			.getResponseHeaders()
			.getLocation();
	}

	private static List<String> lines(CapturedOutput output, String text) {
		return output.getOut().lines().filter((line) -> line.contains(text)).toList();
	}

}
