package dev.porter.gateway.login;

import dev.porter.gateway.session.ToTheEnd;
import reactor.core.publisher.Mono;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Whatever goes wrong at the login callback is a failed login ({@code /?login=failed}),
 * not a 500. Spring Security hands only authentication errors to the failure handler;
 * anything else (the IdP's keys unreachable, a session store down) would reach the error
 * handler, whose log of the error carries Reactor's trace of the request — the callback's
 * URL with its one-time {@code code} and {@code state}.
 */
final class CallbackErrorWebFilter implements WebFilter {

	private final ServerWebExchangeMatcher callback = ServerWebExchangeMatchers.pathMatchers(LoginPaths.CALLBACK);

	private final ServerAuthenticationFailureHandler failureHandler;

	private final ToTheEnd toTheEnd;

	CallbackErrorWebFilter(ServerAuthenticationFailureHandler failureHandler, ToTheEnd toTheEnd) {
		this.failureHandler = failureHandler;
		this.toTheEnd = toTheEnd;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return this.callback.matches(exchange)
			.flatMap((match) -> match.isMatch() ? guarded(exchange, chain) : chain.filter(exchange));
	}

	/**
	 * Runs to its end whoever stops waiting ({@link ToTheEnd}), a browser gone as well:
	 * Spring Security stores the login's session (as it changes its id) before the
	 * success handler registers it, and a callback cut in between left it stored, signed
	 * in, unknown to back-channel logout and to {@code /bff/sessions}; cut later, the
	 * sessions it was ending (the one presented, those past the limit) kept their refresh
	 * tokens unrevoked. A failed login's session is ended to the end too.
	 */
	private Mono<Void> guarded(ServerWebExchange exchange, WebFilterChain chain) {
		return this.toTheEnd.whoeverStopsWaiting(chain.filter(exchange)
			.onErrorResume((ex) -> !exchange.getResponse().isCommitted(), (ex) -> this.failureHandler
				.onAuthenticationFailure(new WebFilterExchange(exchange, chain), loginFailed(ex))));
	}

	private static AuthenticationException loginFailed(Throwable ex) {
		return (ex instanceof AuthenticationException authentication) ? authentication : IdpSilence.callbackFailed(ex);
	}

}
