package dev.porter.gateway.config;

import java.util.List;
import java.util.function.Predicate;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.web.server.header.CacheControlServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ContentSecurityPolicyServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ContentTypeOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.header.ServerHttpHeadersWriter;
import org.springframework.security.web.server.header.StrictTransportSecurityServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XXssProtectionServerHttpHeadersWriter;
import org.springframework.web.server.ServerWebExchange;

/**
 * The security headers of every answer, written as it is committed: the headers Spring
 * Security's header spec writes with the gateway's settings (frames denied, a referrer
 * policy, a content security policy). Each group of headers is written only when the
 * answer has none of the group's own, and HSTS only for a request over https, as Spring's
 * writers do. Only the gateway's own handlers set any of them beforehand: a relayed
 * answer brings none of the upstream's ({@code routing.RelayedAnswerHeaders}), so the
 * gateway's always stand there.
 * <p>
 * Unlike Spring's, the caching ones go on a {@code 304} too: it must carry the
 * {@code Cache-Control} and {@code Expires} its {@code 200} would (RFC 9110, 15.4.5).
 * Spring leaves them out so as not to spoil a cacheable {@code 200} whose handler sets
 * its caching headers on it but not on the {@code 304} (spring-security#5534); no handler
 * of the gateway's sets any, so each of its {@code 200}s says {@code no-store}, and so
 * does the {@code 304} standing for it, a relayed one included.
 * <p>
 * Spring's spec runs twelve writers through a reactive {@code concatMap} on every answer,
 * and each builds case-insensitive sets of its header names: about 2.5 % of the gateway's
 * CPU per relayed request (docs/benchmarks.md, seventh round). This writes the same
 * headers in one loop; {@code SecurityHeadersWriterTests} compares the two answers for
 * each status, scheme and header an answer may already have.
 */
final class SecurityHeadersWriter implements ServerHttpHeadersWriter {

	private static final String HSTS = "max-age=31536000 ; includeSubDomains";

	private final List<Group> groups;

	SecurityHeadersWriter(String contentSecurityPolicy) {
		this.groups = List.of(
				new Group("Cache-Control", CacheControlServerHttpHeadersWriter.CACHE_CONTROL_VALUE, "Pragma",
						CacheControlServerHttpHeadersWriter.PRAGMA_VALUE, "Expires",
						CacheControlServerHttpHeadersWriter.EXPIRES_VALUE),
				new Group(ContentTypeOptionsServerHttpHeadersWriter.X_CONTENT_OPTIONS,
						ContentTypeOptionsServerHttpHeadersWriter.NOSNIFF),
				new Group(SecurityHeadersWriter::overHttps,
						StrictTransportSecurityServerHttpHeadersWriter.STRICT_TRANSPORT_SECURITY, HSTS),
				new Group(XFrameOptionsServerHttpHeadersWriter.X_FRAME_OPTIONS, "DENY"),
				new Group(XXssProtectionServerHttpHeadersWriter.X_XSS_PROTECTION, "0"),
				new Group(ContentSecurityPolicyServerHttpHeadersWriter.CONTENT_SECURITY_POLICY, contentSecurityPolicy),
				new Group(ReferrerPolicyServerHttpHeadersWriter.REFERRER_POLICY,
						ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN.getPolicy()));
	}

	@Override
	public Mono<Void> writeHttpHeaders(ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getResponse().getHeaders();
		for (Group group : this.groups) {
			group.writeTo(headers, exchange);
		}
		return Mono.empty();
	}

	private static boolean overHttps(ServerWebExchange exchange) {
		return "https".equals(exchange.getRequest().getURI().getScheme());
	}

	/** Headers written together, and only when the answer has none of them yet. */
	private static final class Group {

		private final Predicate<ServerWebExchange> applies;

		/** Names and values, alternating. */
		private final String[] headers;

		Group(String... headers) {
			this((exchange) -> true, headers);
		}

		Group(Predicate<ServerWebExchange> applies, String... headers) {
			this.applies = applies;
			this.headers = headers;
		}

		void writeTo(HttpHeaders answer, ServerWebExchange exchange) {
			for (int i = 0; i < this.headers.length; i += 2) {
				if (answer.containsHeader(this.headers[i])) {
					return;
				}
			}
			if (!this.applies.test(exchange)) {
				return;
			}
			for (int i = 0; i < this.headers.length; i += 2) {
				answer.add(this.headers[i], this.headers[i + 1]);
			}
		}

	}

}
