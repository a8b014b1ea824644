package dev.porter.gateway.login;

import dev.porter.gateway.problem.ProblemAnswer;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * A login that fails on its way — the IdP's discovery document cannot be fetched, Redis
 * cannot be reached as the login's budget is counted, an error of ours — is answered as
 * the refusals of the login guards are ({@link LoginRefusal}): the person who clicked
 * "Sign in", or whom the IdP sent back, lands on the SPA instead of a JSON problem page;
 * anything else gets the problem it got before. The error handler still works out the
 * problem and logs the failure, as for any request ({@link ProblemAnswer}). First of all
 * filters, so that it covers them all: the session filters ahead of the security chain
 * read the session of the browser's cookie, which a browser keeps after its session idled
 * out or ended, and failed there with the store, before any of the login's own. The
 * callback's errors after its budget are a failed login already
 * ({@link CallbackErrorWebFilter}).
 */
final class LoginErrorWebFilter implements WebFilter, Ordered {

	private static final ServerWebExchangeMatcher LOGIN = ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET,
			BffLoginWebFilter.PATH, LoginRateLimitWebFilter.CALLBACK_PATH);

	private final LoginRefusal refusal;

	LoginErrorWebFilter(LoginRefusal refusal) {
		this.refusal = refusal;
	}

	/** What the callback's path starts with: {@code LOGIN} matches only below it. */
	private static final String CALLBACK_PREFIX = LoginRateLimitWebFilter.CALLBACK_PATH.substring(0,
			LoginRateLimitWebFilter.CALLBACK_PATH.indexOf('{'));

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!mayBeLogin(exchange)) {
			// Every request passes here, the relayed ones first: no matcher's Mono for
			// them.
			return chain.filter(exchange);
		}
		return LOGIN.matches(exchange).flatMap((match) -> {
			if (match.isMatch()) {
				ProblemAnswer.use(exchange, this.refusal::refuse);
			}
			return chain.filter(exchange);
		});
	}

	private static boolean mayBeLogin(ServerWebExchange exchange) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		return path.equals(BffLoginWebFilter.PATH) || path.startsWith(CALLBACK_PREFIX);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
