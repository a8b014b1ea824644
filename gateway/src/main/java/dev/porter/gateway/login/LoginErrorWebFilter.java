package dev.porter.gateway.login;

import dev.porter.gateway.problem.ProblemAnswer;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
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

	private final LoginRefusal refusal;

	LoginErrorWebFilter(LoginRefusal refusal) {
		this.refusal = refusal;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!mayBeLogin(exchange)) {
			// Every request passes here, the relayed ones first: no matcher's Mono for
			// them.
			return chain.filter(exchange);
		}
		return LoginPaths.LOGIN_OR_CALLBACK.matches(exchange).flatMap((match) -> {
			if (match.isMatch()) {
				ProblemAnswer.use(exchange, this.refusal::refuse);
			}
			return chain.filter(exchange);
		});
	}

	/**
	 * Whether the path may be a login's: the matcher matches only these, and the callback
	 * only below its prefix.
	 */
	private static boolean mayBeLogin(ServerWebExchange exchange) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		return path.equals(LoginPaths.LOGIN) || path.startsWith(LoginPaths.CALLBACK_PREFIX);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
