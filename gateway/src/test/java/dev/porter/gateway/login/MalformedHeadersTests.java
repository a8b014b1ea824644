package dev.porter.gateway.login;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Headers a client may send malformed, which only decide the form of an answer: an
 * {@code Accept} or {@code Content-Type} that does not parse is no navigation and no
 * JSON, never a failure. Spring's parsers throw on them; unguarded, an anonymous client
 * got a 500 and an ERROR with a stack trace per request, and a logout ended the session
 * and answered 500 without the IdP's logout URL.
 */
@ExtendWith(OutputCaptureExtension.class)
class MalformedHeadersTests extends GatewayTestSupport {

	@ParameterizedTest
	@ValueSource(strings = { "/me", "/bff/sessions" })
	void getWhenAnonymousAndAcceptMalformedThenUnauthorizedProblemWithLoginUrl(String path, CapturedOutput output) {
		this.client.get()
			.uri(path)
			.header(HttpHeaders.ACCEPT, "text/html;q=x")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.login_url")
			.isEqualTo("/bff/login");

		assertThat(output).doesNotContain("unhandled error");
	}

	@Test
	void logoutWhenAcceptAndContentTypeMalformedThenSentToTheIdpsLogout(CapturedOutput output) {
		Browser browser = browser().login("auth0|alice", 3600);

		browser.method(HttpMethod.POST, "/bff/logout").header("X-XSRF-TOKEN", browser.xsrf()).headers((headers) -> {
			headers.set(HttpHeaders.ACCEPT, "foo");
			headers.set(HttpHeaders.CONTENT_TYPE, "json");
		})
			.exchange()
			.expectStatus()
			.isFound()
			.expectHeader()
			.value(HttpHeaders.LOCATION, (location) -> assertThat(location).startsWith(TestIdp.instance().issuer()));

		assertThat(output).doesNotContain("unhandled error");
	}

	// A plain fetch() sends Accept: */* and no X-Requested-With: a 302 to the IdP is
	// followed cross-origin without cookies and fails, and the IdP session survives the
	// logout (design.md: no endpoint answers a 302 to an XHR or fetch call).
	@Test
	void logoutWhenAFetchThatSaysNothingButItsFetchModeThenTheRedirectAsJson() {
		Browser browser = browser().login("auth0|alice", 3600);

		browser.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", browser.xsrf())
			.headers((headers) -> headers.set(HttpHeaders.ACCEPT, "*/*"))
			.header("Sec-Fetch-Mode", "cors")
			.header("Sec-Fetch-Site", "same-origin")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.redirect")
			.value(String.class, (url) -> assertThat(url).startsWith(TestIdp.instance().issuer()));
	}

}
