package dev.porter.gateway.forwarded;

import java.time.Duration;

import dev.porter.common.OncePerInterval;
import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses a request whose forwarding header, from a trusted proxy, cannot be read
 * ({@link ForwardedHeaderRefusal}): {@code 400}, a problem naming the header (never its
 * value), counted in {@code http.server.requests} as any refusal, and a line a minute
 * with a count, so that a proxy that writes such headers is noticed. A client behind a
 * proxy that passes its headers on can send one at will: refused, not believed in part.
 */
final class MalformedForwardedHeaderWebFilter implements WebFilter, Ordered {

	/**
	 * Just after {@code EndpointPatterns} names the request's endpoint for the metrics,
	 * before any filter reads the request.
	 */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 1;

	private static final Logger log = LoggerFactory.getLogger(MalformedForwardedHeaderWebFilter.class);

	private final OncePerInterval reports = OncePerInterval.ofNanoTime(Duration.ofMinutes(1), System::nanoTime);

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String header = ForwardedHeaderRefusal.header(exchange.getRequest());
		if (header == null) {
			return chain.filter(exchange);
		}
		long refused = this.reports.count();
		if (refused > 0) {
			log.info("refused a request whose {} from a trusted proxy cannot be read: 400 ({} since the last report)",
					header, refused);
		}
		ProblemDetail problem = Problems.requestRejected("header",
				"The " + header + " header the proxy passed on cannot be read");
		problem.setProperty("header", header);
		return Mono.error(new ProblemException(problem, null));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
