package dev.porter.gateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.header.HttpHeaderWriterWebFilter;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter.Mode;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's security headers are the ones Spring Security's header spec writes with
 * the same settings, whatever the answer's status, the request's scheme and the headers
 * the answer already has; but a {@code 304} gets the caching headers a {@code 200} would,
 * which Spring's leaves out.
 */
class SecurityHeadersWriterTests {

	private static final String CSP = "default-src 'self'; form-action 'self' https://idp.example";

	private static final List<HttpStatus> STATUSES = List.of(HttpStatus.OK, HttpStatus.UNAUTHORIZED,
			HttpStatus.SERVICE_UNAVAILABLE);

	private static final List<String> URLS = List.of("http://gateway.example/me", "https://gateway.example/me");

	/**
	 * Headers an answer may already have from a handler of the gateway's (a relayed
	 * answer brings none of the upstream's: {@code SecurityHeadersTests}).
	 */
	private static final List<List<String>> ALREADY_SET = List.of(List.of(), List.of("Cache-Control", "max-age=60"),
			List.of("cache-control", "private"), List.of("Expires", "Wed, 02 Dec 2026 10:00:00 GMT"),
			List.of("Pragma", "no-cache"), List.of("X-Content-Type-Options", "nosniff"),
			List.of("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
			List.of("X-Frame-Options", "SAMEORIGIN"), List.of("X-XSS-Protection", "1; mode=block"),
			List.of("Content-Security-Policy", "default-src 'none'"),
			List.of("Content-Security-Policy-Report-Only", "default-src 'none'"),
			List.of("Referrer-Policy", "no-referrer"), List.of("Content-Type", "application/json"));

	private final WebFilter springs = springsHeaderFilter();

	private final WebFilter gateways = new HttpHeaderWriterWebFilter(new SecurityHeadersWriter(CSP));

	@Test
	void writeWhenAnyStatusSchemeAndHeadersAlreadySetThenSameHeadersAsSpringsHeaderSpec() {
		int compared = 0;
		for (HttpStatus status : STATUSES) {
			for (String url : URLS) {
				for (List<String> already : ALREADY_SET) {
					assertThat(answer(this.gateways, url, status, already)).as("%s %s with %s", url, status, already)
						.isEqualTo(answer(this.springs, url, status, already));
					compared++;
				}
			}
		}
		assertThat(compared).isEqualTo(78);
	}

	/**
	 * RFC 9110, 15.4.5: a {@code 304} carries the {@code Cache-Control} and
	 * {@code Expires} the {@code 200} would have carried. Spring's writer leaves them out
	 * so as not to spoil a cacheable {@code 200} whose handler set its own caching
	 * headers but not on the {@code 304} (spring-security#5534); no handler of the
	 * gateway's does, and every {@code 200} it sends says {@code no-store}.
	 */
	@Test
	void writeWhenNotModifiedThenTheHeadersOfTheOkAnswer() {
		int compared = 0;
		for (String url : URLS) {
			for (List<String> already : ALREADY_SET) {
				assertThat(answer(this.gateways, url, HttpStatus.NOT_MODIFIED, already)).as("%s with %s", url, already)
					.isEqualTo(answer(this.gateways, url, HttpStatus.OK, already));
				compared++;
			}
		}
		assertThat(compared).isEqualTo(26);
	}

	@Test
	void writeWhenPlainOkAnswerThenEverySecurityHeader() {
		Map<String, List<String>> headers = answer(this.gateways, "https://gateway.example/me", HttpStatus.OK,
				List.of());

		assertThat(headers).containsEntry("X-Frame-Options", List.of("DENY"))
			.containsEntry("Content-Security-Policy", List.of(CSP))
			.containsEntry("Referrer-Policy", List.of("strict-origin-when-cross-origin"))
			.containsEntry("Cache-Control", List.of("no-cache, no-store, max-age=0, must-revalidate"))
			.containsKey("Strict-Transport-Security");
	}

	/** The headers of an answer committed through {@code filter}, names in any case. */
	private static Map<String, List<String>> answer(WebFilter filter, String url, HttpStatus status,
			List<String> already) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(url));
		filter.filter(exchange, (passed) -> {
			passed.getResponse().setStatusCode(status);
			for (int i = 0; i < already.size(); i += 2) {
				passed.getResponse().getHeaders().add(already.get(i), already.get(i + 1));
			}
			return Mono.empty();
		}).then(exchange.getResponse().setComplete()).block();
		Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		HttpHeaders written = exchange.getResponse().getHeaders();
		written.forEach((name, values) -> headers.put(name, new ArrayList<>(values)));
		return headers;
	}

	/**
	 * Spring Security's header filter, configured as the gateway's chains configured it
	 * before.
	 */
	private static WebFilter springsHeaderFilter() {
		return ServerHttpSecurity.http()
			.headers((headers) -> headers.frameOptions((frames) -> frames.mode(Mode.DENY))
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN))
				.contentSecurityPolicy((csp) -> csp.policyDirectives(CSP)))
			.build()
			.getWebFilters()
			.filter(HttpHeaderWriterWebFilter.class::isInstance)
			.blockFirst();
	}

}
