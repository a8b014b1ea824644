package dev.porter.gateway.login;

import dev.porter.gateway.problem.Problems;
import io.micrometer.core.instrument.Counter;
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
 * {@link LoginRefusal}) as a failed login, logged and counted as one, hands a valid one
 * to the authorization request (which keeps it for the callback), and lets the OAuth2
 * redirect filter behind it start the request.
 */
class BffLoginWebFilter implements WebFilter {

	private static final ServerWebExchangeMatcher MATCHER = ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET,
			LoginPaths.LOGIN);

	private final LoginRefusal refusal;

	private final LoginFailureLog failures;

	private final Counter failedLogins;

	/**
	 * @param failures where a refused {@code returnTo} is logged
	 * @param failedLogins {@code porter.logins{outcome=failure}}, which counts each
	 */
	BffLoginWebFilter(LoginRefusal refusal, LoginFailureLog failures, Counter failedLogins) {
		this.refusal = refusal;
		this.failures = failures;
		this.failedLogins = failedLogins;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return MATCHER.matches(exchange)
			.flatMap((match) -> match.isMatch() ? login(exchange, chain) : chain.filter(exchange));
	}

	private Mono<Void> login(ServerWebExchange exchange, WebFilterChain chain) {
		String requested = exchange.getRequest().getQueryParams().getFirst("returnTo");
		boolean given = requested != null && !requested.isEmpty();
		ReturnTo.Fault fault = given ? ReturnTo.fault(requested) : null;
		if (fault != null) {
			return refuse(exchange, fault);
		}
		// No session yet: the authorization request resolver puts it in the login cookie.
		exchange.getAttributes().put(LoginSessionAttributes.RETURN_TO, given ? requested : ReturnTo.ROOT.path());
		return chain.filter(exchange);
	}

	/**
	 * A failed login, counted, and logged by the rule it broke: the user's own navigation
	 * lands on {@code /?login=failed}, whose explanation points to the log; anything else
	 * gets the {@code 400} problem naming {@code returnTo} ({@link LoginRefusal}).
	 */
	private Mono<Void> refuse(ServerWebExchange exchange, ReturnTo.Fault fault) {
		this.failedLogins.increment();
		this.failures.returnToRefused(fault);
		return this.refusal.refuse(exchange, Problems.invalidReturnTo());
	}

}
