package dev.porter.gateway.session;

import java.time.Duration;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anonymous visitors hold no session: the SPA's files, {@code /bff/session}, a refused
 * {@code /me} and a started login set no session cookie, so nothing an outsider does
 * fills the store signed-in users need (issue 10).
 */
class AnonymousSessionTests extends GatewayTestSupport {

	@ParameterizedTest
	@ValueSource(strings = { "/", "/index.html", "/bff/session", "/me", "/bff/login", "/bff/login?returnTo=/profile" })
	void getWhenAnonymousThenNoSessionCookie(String path) {
		EntityExchangeResult<byte[]> result = this.client.get()
			.uri(path)
			.header(HttpHeaders.ACCEPT, "application/json")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(result.getStatus().is5xxServerError()).isFalse();
		assertThat(result.getResponseCookies()).doesNotContainKey(Browser.SESSION_COOKIE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/bff/login", "/bff/login?returnTo=/profile" })
	void loginWhenAnonymousThenAuthorizationRequestInShortLivedHostOnlyCookie(String path) {
		MultiValueMap<String, ResponseCookie> cookies = this.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isFound()
			.expectBody()
			.returnResult()
			.getResponseCookies();

		assertThat(cookies.keySet()).singleElement().asString().startsWith(Browser.SESSION_COOKIE + "-login-");
		ResponseCookie login = cookies.values().iterator().next().get(0);
		assertThat(login.isHttpOnly()).isTrue();
		// PUBLIC_BASE_URL is plain http here: SessionCookieOverHttpsTests for https
		assertThat(login.isSecure()).isFalse();
		assertThat(login.getSameSite()).isEqualTo("Lax");
		assertThat(login.getPath()).isEqualTo("/");
		assertThat(login.getMaxAge()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
		// sealed: neither the state nor the returnTo can be read from it
		assertThat(login.getValue()).doesNotContain("profile").hasSizeLessThan(4000);
	}

}
