package dev.porter.gateway.csrf;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.mock.web.server.MockWebSession;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which requests the CSRF checks apply to. The gateway answers this without Spring's
 * composed reactive matchers (they cost every request a chain of operators), so these
 * tests hold its answer to theirs over methods and tricky paths alike.
 */
class CsrfSecurityMatcherTests {

	/** What {@link CsrfSecurity#UNSAFE} was built from before it became one predicate. */
	private static final ServerWebExchangeMatcher SPRING_UNSAFE = new AndServerWebExchangeMatcher(
			CsrfWebFilter.DEFAULT_CSRF_MATCHER, new NegatedServerWebExchangeMatcher(
					ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, "/bff/backchannel-logout")));

	private static final List<String> METHODS = List.of("GET", "HEAD", "TRACE", "OPTIONS", "POST", "PUT", "PATCH",
			"DELETE", "PROPFIND");

	private static final List<String> PATHS = List.of("/", "/me", "/me/metadata", "/bff/logout",
			"/bff/backchannel-logout", "/bff/backchannel-logout/", "/bff/backchannel-logout/x",
			"/bff/backchannel-logoutx", "/bff//backchannel-logout", "/BFF/backchannel-logout",
			"/bff/backchannel-logout;a=b", "/bff/%62ackchannel-logout", "/bff/backchannel-logout%2F");

	static Stream<Arguments> requests() {
		return METHODS.stream().flatMap((method) -> PATHS.stream().map((path) -> Arguments.of(method, path)));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("requests")
	void unsafeWhenAnyMethodAndPathThenSameAnswerAsSpringsComposedMatcher(String method, String path) {
		MockServerWebExchange exchange = exchange(MockServerHttpRequest.method(HttpMethod.valueOf(method), path));

		assertThat(matches(CsrfSecurity.UNSAFE, exchange)).isEqualTo(matches(SPRING_UNSAFE, exchange));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("requests")
	void unsafeWhenBehindAContextPathThenMatchesThePathWithinTheApplication(String method, String path) {
		MockServerWebExchange exchange = exchange(
				MockServerHttpRequest.method(HttpMethod.valueOf(method), "/porter" + path).contextPath("/porter"));

		assertThat(matches(CsrfSecurity.UNSAFE, exchange)).isEqualTo(matches(SPRING_UNSAFE, exchange));
	}

	@Test
	void unsafeWhenBackchannelLogoutPostedThenExemptButOtherMethodsOnItAreNot() {
		assertThat(matches(CsrfSecurity.UNSAFE, exchange(MockServerHttpRequest.post("/bff/backchannel-logout"))))
			.isFalse();
		assertThat(matches(CsrfSecurity.UNSAFE, exchange(MockServerHttpRequest.delete("/bff/backchannel-logout"))))
			.isTrue();
		assertThat(matches(CsrfSecurity.UNSAFE, exchange(MockServerHttpRequest.post("/me/metadata")))).isTrue();
	}

	@Test
	void protectedWhenUnsafeWithAStartedSessionThenMatches() {
		MockWebSession session = new MockWebSession();
		session.start();

		assertThat(matches(CsrfSecurity.PROTECTED, exchangeWith(MockServerHttpRequest.patch("/me/metadata"), session)))
			.isTrue();
	}

	@Test
	void protectedWhenUnsafeWithoutAStartedSessionThenDoesNotMatch() {
		assertThat(matches(CsrfSecurity.PROTECTED,
				exchangeWith(MockServerHttpRequest.patch("/me/metadata"), new MockWebSession())))
			.isFalse();
	}

	@Test
	void protectedWhenSafeOrExemptThenDoesNotMatchEvenWithASession() {
		MockWebSession session = new MockWebSession();
		session.start();

		assertThat(matches(CsrfSecurity.PROTECTED, exchangeWith(MockServerHttpRequest.get("/me"), session))).isFalse();
		assertThat(matches(CsrfSecurity.PROTECTED,
				exchangeWith(MockServerHttpRequest.post("/bff/backchannel-logout"), session)))
			.isFalse();
	}

	@ParameterizedTest(name = "{0} mode={1} dest={2}: refused from another site {3}")
	@CsvSource(nullValues = "-", value = { "GET, navigate, document, false", "HEAD, navigate, document, false",
			"GET, navigate, iframe, true", "GET, navigate, frame, true", "GET, navigate, -, true",
			"GET, navigate, object, true", "GET, navigate, embed, true", "GET, no-cors, empty, true",
			"GET, cors, empty, true", "GET, -, -, true", "POST, navigate, document, true", "PATCH, cors, empty, true" })
	void notNavigationWhenRequestOfAnotherSiteThenOnlyTopLevelNavigationsPass(String method, String mode,
			String destination, boolean refused) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.method(HttpMethod.valueOf(method), "/me");
		if (mode != null) {
			request.header("Sec-Fetch-Mode", mode);
		}
		if (destination != null) {
			request.header("Sec-Fetch-Dest", destination);
		}

		assertThat(matches(CsrfSecurity.NOT_NAVIGATION, exchange(request))).isEqualTo(refused);
	}

	@ParameterizedTest(name = "{0} {1} mode={2} dest={3}: refused from another site {4}")
	@CsvSource(nullValues = "-",
			value = { "GET, /bff/login, navigate, document, false", "GET, /bff/login, no-cors, image, true",
					"GET, /bff/login, navigate, iframe, true", "GET, /bff/login, -, -, true",
					"GET, /login/oauth2/code/auth0, navigate, document, false",
					"GET, /login/oauth2/code/auth0, no-cors, image, true", "GET, /bff/session, no-cors, image, false",
					"GET, /bff/loginx, no-cors, image, false", "POST, /bff/session, navigate, document, true",
					"POST, /bff/backchannel-logout, -, -, false" })
	void unsafeOrNotNavigationToWhenRequestOfAnotherSiteThenUnsafeOrNotNavigationToThosePathsRefused(String method,
			String path, String mode, String destination, boolean refused) {
		ServerWebExchangeMatcher matcher = CsrfSecurity
			.unsafeOrNotNavigationTo(List.of("/bff/login", "/login/oauth2/code/{registrationId}"));
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.method(HttpMethod.valueOf(method), path);
		if (mode != null) {
			request.header("Sec-Fetch-Mode", mode);
		}
		if (destination != null) {
			request.header("Sec-Fetch-Dest", destination);
		}

		assertThat(matches(matcher, exchange(request))).isEqualTo(refused);
	}

	/**
	 * A prefetch or prerender the page asked for looks like a top-level navigation but is
	 * the page's doing, not the user's: refused from another site like any other request
	 * the page makes (a same-site one carries the Lax session cookie).
	 */
	@ParameterizedTest(name = "{0}: {1}")
	@CsvSource({ "Sec-Purpose, prefetch", "Sec-Purpose, prefetch;prerender", "Purpose, prefetch" })
	void notNavigationWhenPrefetchOrPrerenderThenRefusedFromAnotherSite(String header, String purpose) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/me")
			.header("Sec-Fetch-Mode", "navigate")
			.header("Sec-Fetch-Dest", "document")
			.header(header, purpose);

		assertThat(matches(CsrfSecurity.NOT_NAVIGATION, exchange(request))).isTrue();
		assertThat(matches(CsrfSecurity.unsafeOrNotNavigationTo(List.of("/me")), exchange(request))).isTrue();
	}

	private static MockServerWebExchange exchange(MockServerHttpRequest.BaseBuilder<?> request) {
		return MockServerWebExchange.from(request);
	}

	private static MockServerWebExchange exchangeWith(MockServerHttpRequest.BaseBuilder<?> request,
			MockWebSession session) {
		return MockServerWebExchange.builder(request.build()).session(session).build();
	}

	private static boolean matches(ServerWebExchangeMatcher matcher, ServerWebExchange exchange) {
		return matcher.matches(exchange).block().isMatch();
	}

}
