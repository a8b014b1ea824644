package dev.porter.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import dev.porter.gateway.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.web.server.header.CacheControlServerHttpHeadersWriter;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /} is the SPA's page for whoever asks for it: a browser ({@code text/html}), a
 * load balancer's or CDN's health probe ({@code HEAD}, Azure Front Door's default), and
 * {@code curl -I} or a script that asks for JSON or names no type. Each gets the page
 * with the headers a browser gets, and {@code HEAD} its head alone.
 */
class SpaPageTests extends GatewayTestSupport {

	@ParameterizedTest
	@CsvSource({ "GET, text/html", "GET, application/json", "GET, */*", "GET, image/webp", "GET, ''", "HEAD, text/html",
			"HEAD, application/json", "HEAD, */*", "HEAD, ''" })
	void rootWhenAnyAcceptThenThePageWithTheBrowsersHeaders(String method, String accept) throws IOException {
		byte[] page = indexHtml();
		WebTestClient.RequestHeadersSpec<?> request = this.client.method(HttpMethod.valueOf(method)).uri("/");
		if (!accept.isEmpty()) {
			request = request.header(HttpHeaders.ACCEPT, accept);
		}

		EntityExchangeResult<byte[]> result = request.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_HTML)
			.expectHeader()
			.contentLength(page.length)
			.expectHeader()
			.valueEquals(HttpHeaders.CACHE_CONTROL, CacheControlServerHttpHeadersWriter.CACHE_CONTROL_VALUE)
			.expectHeader()
			.valueEquals(HttpHeaders.EXPIRES, CacheControlServerHttpHeadersWriter.EXPIRES_VALUE)
			.expectHeader()
			.valueEquals("X-Frame-Options", "DENY")
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff")
			.expectHeader()
			.value("Content-Security-Policy", (csp) -> assertThat(csp).contains("script-src 'self'"))
			.expectBody()
			.returnResult();

		if ("GET".equals(method)) {
			assertThat(result.getResponseBody()).isEqualTo(page);
		}
		else {
			assertThat(result.getResponseBody()).isNull();
		}
	}

	/**
	 * A static file revalidated by its {@code Last-Modified}: the {@code 304} carries the
	 * caching headers of the {@code 200} it stands for (RFC 9110, 15.4.5).
	 */
	@Test
	void staticFileWhenNotModifiedThenTheCachingHeadersOfItsOkAnswer() {
		HttpHeaders ok = this.client.get().uri("/app.js").exchange().returnResult(Void.class).getResponseHeaders();

		HttpHeaders notModified = this.client.get()
			.uri("/app.js")
			.header(HttpHeaders.IF_MODIFIED_SINCE, ok.getFirst(HttpHeaders.LAST_MODIFIED))
			.exchange()
			.expectStatus()
			.isNotModified()
			.returnResult(Void.class)
			.getResponseHeaders();

		for (String caching : List.of(HttpHeaders.CACHE_CONTROL, HttpHeaders.EXPIRES, HttpHeaders.PRAGMA)) {
			assertThat(notModified.get(caching)).as(caching).isNotNull().isEqualTo(ok.get(caching));
		}
	}

	private static byte[] indexHtml() throws IOException {
		try (InputStream in = SpaPageTests.class.getResourceAsStream("/static/index.html")) {
			assertThat(in).as("static/index.html").isNotNull();
			return in.readAllBytes();
		}
	}

}
