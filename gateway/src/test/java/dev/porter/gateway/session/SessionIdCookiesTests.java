package dev.porter.gateway.session;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session cookie's resolver reads a plain {@code Cookie} header itself, without the
 * request decoding every cookie ({@code RequestCookiesTests} shows it reads the same as
 * the server's decoder), and leaves any other form to Spring's resolver.
 */
class SessionIdCookiesTests {

	private final SessionIdCookies resolver = new SessionIdCookies();

	SessionIdCookiesTests() {
		this.resolver.setCookieName("PORTER_SESSION");
	}

	@Test
	void resolveWhenBrowsersFormThenIdsWithoutDecodingEveryCookie() {
		AtomicInteger decodings = new AtomicInteger();

		List<String> ids = this.resolver
			.resolveSessionIds(exchange("theme=dark; PORTER_SESSION=s-1; XSRF-TOKEN=t", "decoded", decodings));

		assertThat(ids).containsExactly("s-1");
		assertThat(decodings).hasValue(0);
	}

	@Test
	void resolveWhenQuotedValueThenSpringsResolverDecides() {
		AtomicInteger decodings = new AtomicInteger();

		List<String> ids = this.resolver.resolveSessionIds(exchange("PORTER_SESSION=\"s-1\"", "s-1", decodings));

		assertThat(ids).containsExactly("s-1");
		assertThat(decodings).hasValue(1);
	}

	/**
	 * A request with one {@code Cookie} header whose decoded session cookie is
	 * {@code decoded}, counting each time its cookies are asked for.
	 */
	private static ServerWebExchange exchange(String header, String decoded, AtomicInteger decodings) {
		ServerHttpRequestDecorator request = new ServerHttpRequestDecorator(
				MockServerHttpRequest.get("/me").header(HttpHeaders.COOKIE, header).build()) {
			@Override
			public MultiValueMap<String, HttpCookie> getCookies() {
				decodings.incrementAndGet();
				MultiValueMap<String, HttpCookie> cookies = new LinkedMultiValueMap<>();
				cookies.add("PORTER_SESSION", new HttpCookie("PORTER_SESSION", decoded));
				return cookies;
			}
		};
		return MockServerWebExchange.from(MockServerHttpRequest.get("/me")).mutate().request(request).build();
	}

}
