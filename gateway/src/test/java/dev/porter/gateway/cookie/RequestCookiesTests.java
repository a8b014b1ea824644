package dev.porter.gateway.cookie;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cookie's values as the server's own cookie decoder (Reactor Netty's default, Netty's
 * strict decoder) finds them, whatever the {@code Cookie} header, and found without
 * decoding every cookie when the header is in the form browsers send.
 */
class RequestCookiesTests {

	private static final String NAME = "PORTER_SESSION";

	private static final String OTHER = "XSRF-TOKEN";

	private static final List<String> HEADERS = List.of("PORTER_SESSION=abc", "PORTER_SESSION=abc; XSRF-TOKEN=2f1c-9a",
			"XSRF-TOKEN=x;PORTER_SESSION=abc", "a=1; PORTER_SESSION=first; PORTER_SESSION=second",
			"PORTER_SESSION=\"quoted\"", "PORTER_SESSION=", "PORTER_SESSION=a b", "PORTER_SESSION=abc;",
			"PORTER_SESSION=abc; ", " PORTER_SESSION=abc", "PORTER_SESSION =abc",
			"$Version=1; PORTER_SESSION=abc; $Path=/", "PORTER_SESSION=abc,other=1", "PORTER_SESSION=abc;\tother=1",
			"porter_session=lower", "PORTER_SESSIONX=longer", "XPORTER_SESSION=longer", "PORTER_SESSION=caf\u00e9",
			"PORTER_SESSION=a\\b", "PORTER_SESSION", "=abc", ";;", "", "PORTER_SESSION=a=b",
			"x=\"q\"; PORTER_SESSION=abc", "PORTER_SESSION=abc;  other=2");

	@Test
	void readWhenAnyListedHeaderThenSameValuesAsTheServersDecoder() {
		for (String header : HEADERS) {
			for (String name : List.of(NAME, OTHER)) {
				assertThat(values(request(List.of(header), new AtomicInteger()), name)).as(header)
					.isEqualTo(decodedByTheServer(List.of(header), name));
				assertThat(RequestCookies.first(exchange(request(List.of(header), new AtomicInteger())), name))
					.as(header)
					.isEqualTo(firstDecodedByTheServer(List.of(header), name));
			}
		}
	}

	@Test
	void readWhenRandomHeadersThenSameValuesAsTheServersDecoder() {
		Random random = new Random(20261202);
		String[] pieces = { NAME, OTHER, "=", ";", " ", "abc", "X", "\"", ",", "$", "\t", "\\", "\u00e9", "%2F", "==" };
		for (int n = 0; n < 20_000; n++) {
			List<String> headers = new ArrayList<>();
			for (int h = 1 + random.nextInt(2); h > 0; h--) {
				StringBuilder header = new StringBuilder();
				for (int p = random.nextInt(9); p > 0; p--) {
					header.append(pieces[random.nextInt(pieces.length)]);
				}
				headers.add(header.toString());
			}
			String name = random.nextBoolean() ? NAME : OTHER;
			assertThat(values(request(headers, new AtomicInteger()), name)).as(headers.toString())
				.isEqualTo(decodedByTheServer(headers, name));
			assertThat(RequestCookies.first(exchange(request(headers, new AtomicInteger())), name))
				.as(headers.toString())
				.isEqualTo(firstDecodedByTheServer(headers, name));
		}
	}

	@Test
	void readWhenBrowsersFormThenNoCookieIsDecoded() {
		AtomicInteger decodings = new AtomicInteger();
		ServerWebExchange exchange = exchange(
				request(List.of("theme=dark; PORTER_SESSION=s-1; XSRF-TOKEN=t", "PORTER_SESSION=s-2"), decodings));

		assertThat(RequestCookies.plainValues(exchange, NAME)).containsExactly("s-1", "s-2");
		assertThat(RequestCookies.first(exchange, OTHER)).isEqualTo("t");
		assertThat(RequestCookies.first(exchange, "absent")).isNull();
		assertThat(decodings).hasValue(0);
	}

	@Test
	void readWhenQuotedValueThenTheServersDecoderDecides() {
		AtomicInteger decodings = new AtomicInteger();
		ServerWebExchange exchange = exchange(request(List.of("XSRF-TOKEN=\"t-1\""), decodings));

		assertThat(RequestCookies.plainValues(exchange, OTHER)).isNull();
		assertThat(RequestCookies.first(exchange, OTHER)).isEqualTo("t-1");
		assertThat(decodings).hasValue(1);
	}

	@Test
	void readWhenNoCookieHeaderThenNone() {
		ServerWebExchange exchange = exchange(request(List.of(), new AtomicInteger()));

		assertThat(RequestCookies.plainValues(exchange, NAME)).isEmpty();
		assertThat(RequestCookies.first(exchange, NAME)).isNull();
	}

	@Test
	void readWhenSeveralCookiesOfOneRequestThenItsCookieHeaderIsScannedOnce() {
		AtomicInteger headerReads = new AtomicInteger();
		ServerWebExchange exchange = exchange(
				headerCounting(request(List.of("PORTER_SESSION=s-1; XSRF-TOKEN=t"), new AtomicInteger()), headerReads));

		assertThat(RequestCookies.plainValues(exchange, NAME)).containsExactly("s-1");
		assertThat(RequestCookies.first(exchange, OTHER)).isEqualTo("t");
		assertThat(RequestCookies.plainValues(exchange, NAME)).containsExactly("s-1");
		assertThat(RequestCookies.first(exchange, "absent")).isNull();
		assertThat(headerReads).hasValue(1);
	}

	@Test
	void readWhenTheExchangesRequestIsReplacedThenTheNewRequestsCookies() {
		ServerWebExchange exchange = exchange(request(List.of("PORTER_SESSION=s-1"), new AtomicInteger()));
		assertThat(RequestCookies.first(exchange, NAME)).isEqualTo("s-1");

		ServerWebExchange mutated = exchange.mutate()
			.request(request(List.of("PORTER_SESSION=s-2"), new AtomicInteger()))
			.build();

		assertThat(RequestCookies.first(mutated, NAME)).isEqualTo("s-2");
		assertThat(RequestCookies.plainValues(mutated, NAME)).containsExactly("s-2");
		assertThat(RequestCookies.first(exchange, NAME)).isEqualTo("s-1");
	}

	/**
	 * The plain form's values, else the server decoder's, as the session's resolver reads
	 * them.
	 */
	private static List<String> values(ServerHttpRequest request, String name) {
		List<String> plain = RequestCookies.plainValues(exchange(request), name);
		return (plain != null) ? plain
				: request.getCookies().getOrDefault(name, List.of()).stream().map(HttpCookie::getValue).toList();
	}

	/**
	 * What asking the request for its cookies finds: the server decodes every
	 * {@code Cookie} header.
	 */
	private static List<String> decodedByTheServer(List<String> headers, String name) {
		return allCookies(headers).getOrDefault(name, List.of()).stream().map(HttpCookie::getValue).toList();
	}

	private static @Nullable String firstDecodedByTheServer(List<String> headers, String name) {
		List<String> values = decodedByTheServer(headers, name);
		return values.isEmpty() ? null : values.get(0);
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

	private static ServerWebExchange exchange(ServerHttpRequest request) {
		return MockServerWebExchange.from(MockServerHttpRequest.get("/me")).mutate().request(request).build();
	}

	/** {@code request}, counting each time its headers are asked for. */
	private static ServerHttpRequest headerCounting(ServerHttpRequest request, AtomicInteger reads) {
		return new ServerHttpRequestDecorator(request) {
			@Override
			public HttpHeaders getHeaders() {
				reads.incrementAndGet();
				return super.getHeaders();
			}
		};
	}

	/**
	 * A request whose cookies the server's decoder decodes, counting each time they are
	 * asked for.
	 */
	private static ServerHttpRequest request(List<String> headers, AtomicInteger decodings) {
		MockServerHttpRequest.BaseBuilder<?> builder = MockServerHttpRequest.get("/me");
		if (!headers.isEmpty()) {
			builder.header(HttpHeaders.COOKIE, headers.toArray(String[]::new));
		}
		return new ServerHttpRequestDecorator(builder.build()) {
			@Override
			public MultiValueMap<String, HttpCookie> getCookies() {
				decodings.incrementAndGet();
				return allCookies(headers);
			}
		};
	}

}
