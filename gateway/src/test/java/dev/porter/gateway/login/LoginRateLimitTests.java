package dev.porter.gateway.login;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.PendingLogin;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-address budget on {@code /bff/login} and the callback ({@code LOGIN_RATE_LIMIT}
 * per {@code LOGIN_RATE_LIMIT_PERIOD}); the test client connects from 127.0.0.1, which is
 * not a trusted proxy here, so its {@code X-Forwarded-For} is not believed.
 */
@TestPropertySource(properties = { "porter.login.rate-limit=3", "porter.login.rate-limit-period=1h",
		"porter.forwarded.trusted-proxies=10.0.0.0/8" })
@Import(LoginRateLimitTests.StandingClock.class)
@ExtendWith(OutputCaptureExtension.class)
class LoginRateLimitTests extends GatewayTestSupport {

	/** Every request of a test falls into one budget window, a new one for each test. */
	@TestConfiguration(proxyBeanMethods = false)
	static class StandingClock {

		@Bean
		MovableClock clock() {
			return new MovableClock(Instant.parse("2026-12-01T12:00:00Z"));
		}

	}

	@Autowired
	MovableClock clock;

	@BeforeEach
	void nextWindow() {
		this.clock.advance(Duration.ofHours(1));
	}

	@Test
	void loginWhenOverBudgetThenTooManyRequestsProblemEvenWithForgedForwardedFor() {
		List<EntityExchangeResult<byte[]>> answers = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			String forged = "203.0.113." + i;
			answers.add(this.client.get()
				.uri("/bff/login")
				.header("X-Forwarded-For", forged)
				.header("Forwarded", "for=" + forged)
				.exchange()
				.expectBody()
				.returnResult());
		}
		EntityExchangeResult<byte[]> callback = this.client.get()
			.uri("/login/oauth2/code/auth0?code=c&state=s")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(answers.subList(0, 3)).allSatisfy((answer) -> assertThat(answer.getStatus().value()).isEqualTo(302));
		assertThat(answers.subList(3, 5)).allSatisfy((answer) -> {
			assertThat(answer.getStatus()).isEqualTo(HttpStatusCode.valueOf(429));
			assertThat(answer.getResponseHeaders().getFirst(HttpHeaders.CONTENT_TYPE))
				.isEqualTo("application/problem+json");
			assertThat(answer.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNotBlank();
			assertThat(new String(answer.getResponseBodyContent())).contains("/problems/rate-limited");
		});
		assertThat(callback.getStatus()).as("the callback shares the budget").isEqualTo(HttpStatusCode.valueOf(302));
		assertThat(callback.getResponseHeaders().getLocation()).isEqualTo(URI.create("/?login=failed"));
	}

	/**
	 * The person who just typed their password at the IdP comes back over the budget: a
	 * browser sent to {@code /?login=failed}, which the SPA explains, as every failed
	 * callback is, never a JSON problem page, and no code exchange. The refusal is logged
	 * as any other.
	 */
	@Test
	void callbackWhenOverBudgetThenTheBrowserLandsOnLoginFailedWithoutACodeExchange(CapturedOutput output) {
		Browser browser = browser();
		Browser.StartedLogin login = browser.clickSignIn();
		this.client.get().uri("/bff/login").exchange().expectStatus().isFound();
		this.client.get().uri("/bff/login").exchange().expectStatus().isFound();

		URI landing = browser.completeLogin(login, "auth0|alice");

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		TestIdp.instance().server().verify(0, postRequestedFor(urlPathEqualTo("/oauth/token")));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		assertThat(output.getOut().lines().filter((line) -> line.contains("LOGIN_RATE_LIMIT"))).singleElement()
			.asString()
			.contains("WARN", "127.0.0.1", "refused since the last report");
	}

	/**
	 * {@code /bff/login} is a navigation too ("Sign in" clicked): a browser's over the
	 * budget that the user started lands on {@code /?login=failed}
	 * ({@link #loginWhenTheUserNavigatesOrNoFetchMetadataThenCountedAndAnswered}). One
	 * the user did not start (a script's {@code location.assign}, or a browser without
	 * fetch metadata, which cannot tell) gets the problem with {@code Retry-After}, as a
	 * script's fetch does: sent back to {@code /?login=failed}, an SPA that navigates to
	 * {@code login_url} on every 401 would come straight back, for as long as the budget
	 * is spent, and spend each new window's first.
	 */
	@ParameterizedTest(name = "{0}: {1}")
	@CsvSource(delimiter = '|',
			value = { "Sec-Fetch-Mode | navigate | 429", "Accept | text/html,application/xhtml+xml,*/*;q=0.8 | 429",
					"Accept | application/json | 429", "X-Requested-With | XMLHttpRequest | 429",
					"Sec-Fetch-Mode | cors | 429" })
	void loginWhenOverBudgetThenABrowserLandsOnLoginFailedAndAScriptGetsTheProblem(String header, String value,
			int status) {
		for (int i = 0; i < 3; i++) {
			this.client.get().uri("/bff/login").header(header, value).exchange().expectStatus().isFound();
		}

		EntityExchangeResult<byte[]> over = this.client.get()
			.uri("/bff/login")
			.header(header, value)
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(over.getStatus().value()).isEqualTo(status);
		if (status == 302) {
			assertThat(over.getResponseHeaders().getLocation()).isEqualTo(URI.create("/?login=failed"));
			assertThat(over.getResponseHeaders().getFirst(HttpHeaders.CONTENT_TYPE)).isNull();
		}
		else {
			assertThat(over.getResponseHeaders().getFirst(HttpHeaders.CONTENT_TYPE))
				.isEqualTo("application/problem+json");
			assertThat(over.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNotBlank();
		}
		assertThat(over.getResponseCookies()).as("no pending login started").isEmpty();
	}

	/**
	 * Behind a load balancer left out of {@code TRUSTED_PROXIES} (here the test client on
	 * 127.0.0.1), every visitor spends the balancer's one budget: users met 429s and the
	 * log said nothing. It names the balancer's address and the setting to change.
	 */
	@Test
	void loginWhenBehindAProxyNotTrustedThenTheLogSaysToTrustItAndLogsThe429s(CapturedOutput output) {
		for (int i = 0; i < 5; i++) {
			this.client.get()
				.uri("/bff/login")
				.header("X-Forwarded-For", "203.0.113." + i)
				.header("X-Forwarded-Proto", "https")
				.exchange()
				.expectStatus()
				.isEqualTo(i < 3 ? 302 : 429);
		}

		List<String> warnings = output.getOut().lines().filter((line) -> line.contains("TRUSTED_PROXIES")).toList();
		assertThat(warnings).filteredOn((line) -> line.contains("X-Forwarded-For"))
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN", "127.0.0.1").doesNotContain("203.0.113."));
		assertThat(warnings).filteredOn((line) -> line.contains("LOGIN_RATE_LIMIT"))
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN", "127.0.0.1", "1 refused"));
	}

	/**
	 * A page of another site ({@code cross-site}) or of a sibling subdomain
	 * ({@code same-site}) loading the login in a loop, as an image, a fetch or a frame:
	 * refused before the budget counts it, so the users behind the same address can still
	 * sign in, and before the pending-login cookie is touched.
	 */
	@ParameterizedTest(name = "{0} {1} {2} {3}")
	@CsvSource({ "/bff/login, cross-site, no-cors, image", "/bff/login, same-site, no-cors, image",
			"/bff/login, cross-site, navigate, iframe", "/bff/login, same-site, cors, empty",
			"/login/oauth2/code/auth0?code=c&state=s, cross-site, no-cors, image",
			"/login/oauth2/code/auth0?code=c&state=s, same-site, navigate, iframe" })
	void loginWhenAnotherSitesPageLoadsItThenForbiddenProblemBeforeTheBudgetCountsIt(String path, String site,
			String mode, String destination) {
		for (int i = 0; i < 5; i++) {
			this.client.get()
				.uri(path)
				.header("Sec-Fetch-Site", site)
				.header("Sec-Fetch-Mode", mode)
				.header("Sec-Fetch-Dest", destination)
				.exchange()
				.expectStatus()
				.isForbidden()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectHeader()
				.doesNotExist(HttpHeaders.SET_COOKIE);
		}

		for (int i = 0; i < 3; i++) {
			this.client.get().uri("/bff/login").exchange().expectStatus().isFound();
		}
	}

	/**
	 * A page of another site asking the browser to prefetch or prerender the login
	 * (speculation rules, {@code <link rel=prefetch>}): the request looks like a
	 * top-level navigation but is the page's doing, as many times as it lists URLs, and
	 * no user follows it. Refused before the budget counts it; the user's real navigation
	 * later passes.
	 */
	@ParameterizedTest(name = "{0} {1} {2}: {3}")
	@CsvSource({ "/bff/login, cross-site, Sec-Purpose, prefetch", "/bff/login, same-site, Sec-Purpose, prefetch",
			"/bff/login, cross-site, Sec-Purpose, prefetch;prerender", "/bff/login, cross-site, Purpose, prefetch",
			"/login/oauth2/code/auth0?code=c&state=s, cross-site, Sec-Purpose, prefetch" })
	void loginWhenAnotherSitesPagePrefetchesItThenForbiddenProblemBeforeTheBudgetCountsIt(String path, String site,
			String purposeHeader, String purpose) {
		for (int i = 0; i < 5; i++) {
			this.client.get()
				.uri(path)
				.header("Sec-Fetch-Site", site)
				.header("Sec-Fetch-Mode", "navigate")
				.header("Sec-Fetch-Dest", "document")
				.header(purposeHeader, purpose)
				.exchange()
				.expectStatus()
				.isForbidden()
				.expectHeader()
				.doesNotExist(HttpHeaders.SET_COOKIE);
		}

		for (int i = 0; i < 3; i++) {
			this.client.get()
				.uri("/bff/login")
				.header("Sec-Fetch-Site", site)
				.header("Sec-Fetch-Mode", "navigate")
				.header("Sec-Fetch-Dest", "document")
				.exchange()
				.expectStatus()
				.isFound();
		}
	}

	/**
	 * The user's own navigations (a browser marks them {@code Sec-Fetch-User: ?1}): from
	 * the SPA, a link or bookmark, another site's link; and clients that send no fetch
	 * metadata, which over the budget get the problem.
	 */
	@ParameterizedTest(name = "{0} {1} {2}")
	@CsvSource(nullValues = "-", value = { "same-origin, navigate, document", "none, navigate, document",
			"cross-site, navigate, document", "same-site, navigate, document", "-, -, -" })
	void loginWhenTheUserNavigatesOrNoFetchMetadataThenCountedAndAnswered(String site, String mode,
			String destination) {
		for (int i = 0; i < 3; i++) {
			fetchedAs("/bff/login", site, mode, destination).expectStatus()
				.isFound()
				.expectHeader()
				.value(HttpHeaders.LOCATION, (location) -> assertThat(location).contains("/authorize?"));
		}

		WebTestClient.ResponseSpec over = this.client.get().uri("/bff/login").headers((headers) -> {
			if (site != null) {
				headers.set("Sec-Fetch-Site", site);
				headers.set("Sec-Fetch-Mode", mode);
				headers.set("Sec-Fetch-Dest", destination);
				headers.set("Sec-Fetch-User", "?1");
			}
		}).exchange();

		if (site == null) {
			over.expectStatus().isEqualTo(429);
		}
		else {
			over.expectStatus().isFound().expectHeader().location("/?login=failed");
		}
	}

	/**
	 * The IdP sending the browser back, as a browser marks it and with no fetch metadata:
	 * counted, so that past the budget even a callback of a login under way is refused
	 * (before its code exchange).
	 */
	@ParameterizedTest(name = "{0} {1} {2}")
	@CsvSource(nullValues = "-", value = { "cross-site, navigate, document", "-, -, -" })
	void callbackWhenTheIdpSendsTheBrowserBackOrNoFetchMetadataThenCounted(String site, String mode,
			String destination) {
		PendingLogin login = PendingLogin.start(this.client);
		TestIdp.instance().stubCodeExchange(login.nonce(), "auth0|alice", "sid-counted", 3600);
		for (int i = 0; i < 2; i++) {
			fetchedAs("/login/oauth2/code/auth0?code=c&state=s", site, mode, destination).expectStatus().isFound();
		}

		login.callback(HttpMethod.GET, "test-code").headers((headers) -> {
			if (site != null) {
				headers.set("Sec-Fetch-Site", site);
				headers.set("Sec-Fetch-Mode", mode);
				headers.set("Sec-Fetch-Dest", destination);
			}
		}).exchange().expectStatus().isFound().expectHeader().location("/?login=failed");

		TestIdp.instance().server().verify(0, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	private WebTestClient.ResponseSpec fetchedAs(String path, String site, String mode, String destination) {
		return this.client.get().uri(path).headers((headers) -> {
			if (site != null) {
				headers.set("Sec-Fetch-Site", site);
				headers.set("Sec-Fetch-Mode", mode);
				headers.set("Sec-Fetch-Dest", destination);
			}
		}).exchange();
	}

}
