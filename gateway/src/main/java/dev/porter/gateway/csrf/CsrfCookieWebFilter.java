package dev.porter.gateway.csrf;

import reactor.core.publisher.Mono;

import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Subscribes to the deferred CSRF token on every request. Spring Security only loads or
 * creates the token when something subscribes to it — a server-rendered form would — so
 * without this an SPA would never receive the {@code XSRF-TOKEN} cookie it must echo.
 */
class CsrfCookieWebFilter implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
		return (token != null) ? token.then(chain.filter(exchange)) : chain.filter(exchange);
	}

}
