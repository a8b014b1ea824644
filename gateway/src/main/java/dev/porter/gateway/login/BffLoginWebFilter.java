package dev.porter.gateway.login;

import dev.porter.gateway.problem.Problems;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * {@code GET /bff/login?returnTo=}: refuses a {@code returnTo} that is not a local path
 * (a 400 problem naming it, or {@code /?login=failed} for the user's own navigation:
 * {@link LoginRefusal}), hands a valid one to the authorization request (which keeps it
 * for the callback), and lets the OAuth2 redirect filter behind it start the request.
 */
class BffLoginWebFilter implements WebFilter {

	static final String PATH = Problems.LOGIN_URL;

	private static final ServerWebExchangeMatcher MATCHER = ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET,
			PATH);

	private final LoginRefusal refusal;

	BffLoginWebFilter(LoginRefusal refusal) {
		this.refusal = refusal;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return MATCHER.matches(exchange)
			.flatMap((match) -> match.isMatch() ? login(exchange, chain) : chain.filter(exchange));
	}

	private Mono<Void> login(ServerWebExchange exchange, WebFilterChain chain) {
		ReturnTo returnTo = ReturnTo.parse(exchange.getRequest().getQueryParams().getFirst("returnTo"));
		if (returnTo == null) {
			return this.refusal.refuse(exchange, Problems.invalidReturnTo());
		}
		// No session yet: the authorization request resolver puts it in the login cookie.
		exchange.getAttributes().put(LoginSessionAttributes.RETURN_TO, returnTo.path());
		return chain.filter(exchange);
	}

}
