package dev.porter.gateway.config;

import dev.porter.gateway.bff.BffProperties;
import reactor.core.publisher.Mono;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * HSTS when the public URL is https. Spring Security writes it only for requests that
 * arrive over TLS, which they do not when a proxy terminates TLS in front of the gateway.
 */
@Component
@Order(-300)
class StrictTransportSecurityWebFilter implements WebFilter {

	private final boolean https;

	StrictTransportSecurityWebFilter(BffProperties bff) {
		this.https = bff.isHttps();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (this.https) {
			exchange.getResponse().getHeaders().set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
		}
		return chain.filter(exchange);
	}

}
