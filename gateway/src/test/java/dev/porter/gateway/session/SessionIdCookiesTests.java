package dev.porter.gateway.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
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
 * The session's id as the server's own cookie decoder (Reactor Netty's default, Netty's
 * strict decoder) finds it, whatever the {@code Cookie} header, and found without
 * decoding every cookie when the header is in the form browsers send.
 */
class SessionIdCookiesTests {

	private static final String NAME = "PORTER_SESSION";

	private static final List<String> HEADERS = List.of("PORTER_SESSION=abc", "PORTER_SESSION=abc; XSRF-TOKEN=2f1c-9a",
			"XSRF-TOKEN=x;PORTER_SESSION=abc", "a=1; PORTER_SESSION=first; PORTER_SESSION=second",
			"PORTER_SESSION=\"quoted\"", "PORTER_SESSION=", "PORTER_SESSION=a b", "PORTER_SESSION=abc;",
			"PORTER_SESSION=abc; ", " PORTER_SESSION=abc", "PORTER_SESSION =abc",
			"$Version=1; PORTER_SESSION=abc; $Path=/", "PORTER_SESSION=abc,other=1", "PORTER_SESSION=abc;\tother=1",
			"porter_session=lower", "PORTER_SESSIONX=longer", "XPORTER_SESSION=longer", "PORTER_SESSION=caf\u00e9",
			"PORTER_SESSION=a\\b", "PORTER_SESSION", "=abc", ";;", "", "PORTER_SESSION=a=b",
			"x=\"q\"; PORTER_SESSION=abc", "PORTER_SESSION=abc;  other=2");

	private final SessionIdCookies resolver = new SessionIdCookies();

	SessionIdCookiesTests() {
		this.resolver.setCookieName(NAME);
	}

	@Test
	void resolveWhenAnyListedHeaderThenSameIdsAsTheServersDecoder() {
		for (String header : HEADERS) {
			assertThat(this.resolver.resolveSessionIds(exchange(List.of(header), new AtomicInteger()))).as(header)
				.isEqualTo(decodedByTheServer(List.of(header)));
		}
	}

	@Test
	void resolveWhenRandomHeadersThenSameIdsAsTheServersDecoder() {
		Random random = new Random(20261202);
		String[] pieces = { NAME, "=", ";", " ", "abc", "X", "\"", ",", "$", "\t", "\\", "\u00e9", "%2F", "==" };
		for (int n = 0; n < 20_000; n++) {
			List<String> headers = new ArrayList<>();
			for (int h = 1 + random.nextInt(2); h > 0; h--) {
				StringBuilder header = new StringBuilder();
				for (int p = random.nextInt(9); p > 0; p--) {
					header.append(pieces[random.nextInt(pieces.length)]);
				}
				headers.add(header.toString());
			}
			assertThat(this.resolver.resolveSessionIds(exchange(headers, new AtomicInteger()))).as(headers.toString())
				.isEqualTo(decodedByTheServer(headers));
		}
	}

	@Test
	void resolveWhenBrowsersFormThenNoCookieIsDecodedButTheSessionsOwn() {
		AtomicInteger decodings = new AtomicInteger();

		List<String> ids = this.resolver.resolveSessionIds(
				exchange(List.of("theme=dark; PORTER_SESSION=s-1; XSRF-TOKEN=t", "PORTER_SESSION=s-2"), decodings));

		assertThat(ids).containsExactly("s-1", "s-2");
		assertThat(decodings).hasValue(0);
	}

	@Test
	void resolveWhenQuotedValueThenTheServersDecoderDecides() {
		AtomicInteger decodings = new AtomicInteger();

		List<String> ids = this.resolver.resolveSessionIds(exchange(List.of("PORTER_SESSION=\"s-1\""), decodings));

		assertThat(ids).containsExactly("s-1");
		assertThat(decodings).hasValue(1);
	}

	@Test
	void resolveWhenNoCookieHeaderThenNoIds() {
		assertThat(this.resolver.resolveSessionIds(exchange(List.of(), new AtomicInteger()))).isEmpty();
	}

	/** What Spring's resolver finds: the server decodes every {@code Cookie} header. */
	private static List<String> decodedByTheServer(List<String> headers) {
		return allCookies(headers).getOrDefault(NAME, List.of()).stream().map(HttpCookie::getValue).toList();
	}

	private static MultiValueMap<String, HttpCookie> allCookies(List<String> headers) {
		MultiValueMap<String, HttpCookie> cookies = new LinkedMultiValueMap<>();
		for (String header : headers) {
			for (Cookie cookie : ServerCookieDecoder.STRICT.decodeAll(header)) {
				cookies.add(cookie.name(), new HttpCookie(cookie.name(), cookie.value()));
			}
		}
		return cookies;
	}

	/**
	 * A request whose cookies the server's decoder decodes, counting each time they are
	 * asked for.
	 */
	private static ServerWebExchange exchange(List<String> headers, AtomicInteger decodings) {
		MockServerHttpRequest.BaseBuilder<?> builder = MockServerHttpRequest.get("/me");
		if (!headers.isEmpty()) {
			builder.header(HttpHeaders.COOKIE, headers.toArray(String[]::new));
		}
		ServerHttpRequestDecorator request = new ServerHttpRequestDecorator(builder.build()) {
			@Override
			public MultiValueMap<String, HttpCookie> getCookies() {
				decodings.incrementAndGet();
				return allCookies(headers);
			}
		};
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		return exchange.mutate().request(request).build();
	}

}
