package dev.porter.gateway.csrf;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;

/**
 * Reads the submitted token from the {@code X-XSRF-TOKEN} header, and from a
 * {@code _csrf} form field only on {@code POST /bff/logout}, the one form the gateway
 * answers itself. Reading a form field consumes the request body: on a relayed path the
 * relay would then forward a {@code Content-Length} with no body, and profile-service
 * would read the next request on that pooled connection — another user's — as its tail.
 * The raw token is compared (no XOR masking): BREACH masking protects tokens rendered
 * into HTML, which an SPA's cookie is not.
 */
final class HeaderCsrfTokenRequestHandler extends ServerCsrfTokenRequestAttributeHandler {

	private static final ServerWebExchangeMatcher FORM_ENDPOINT = ServerWebExchangeMatchers
		.pathMatchers(HttpMethod.POST, "/bff/logout");

	@Override
	public Mono<String> resolveCsrfTokenValue(ServerWebExchange exchange, CsrfToken csrfToken) {
		return FORM_ENDPOINT.matches(exchange)
			.flatMap((match) -> match.isMatch() ? super.resolveCsrfTokenValue(exchange, csrfToken)
					: Mono.justOrEmpty(exchange.getRequest().getHeaders().getFirst(csrfToken.getHeaderName())));
	}

}
