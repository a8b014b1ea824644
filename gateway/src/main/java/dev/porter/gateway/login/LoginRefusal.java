package dev.porter.gateway.login;

import java.net.URI;

import dev.porter.gateway.problem.ProblemWriter;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;

/**
 * How the login guards answer a login they turn away (the address over its budget, the
 * session store full). The callback is the IdP sending back a person who has just typed
 * their password: it lands on {@code /?login=failed}, as every failed callback does and
 * the SPA explains, never on a JSON problem page. {@code /bff/login} is a navigation too
 * ("Sign in" clicked), and a browser's lands there as well; a script's, which could not
 * follow a redirect anyway (design.md: no 302 to XHR or fetch), gets the problem with its
 * {@code Retry-After}, as does a client with no sign of a browser (curl, a load test).
 * The redirect carries no {@code Retry-After}: with a 3xx it would ask the browser to
 * wait before loading the SPA.
 */
final class LoginRefusal {

	/** Where a failed login sends the browser; the SPA tells the user it did not work. */
	static final URI LOGIN_FAILED = URI.create("/?login=failed");

	private static final ServerWebExchangeMatcher CALLBACK = ServerWebExchangeMatchers
		.pathMatchers(LoginRateLimitWebFilter.CALLBACK_PATH);

	private final ProblemWriter problems;

	LoginRefusal(ProblemWriter problems) {
		this.problems = problems;
	}

	Mono<Void> refuse(ServerWebExchange exchange, ProblemDetail problem) {
		return CALLBACK.matches(exchange)
			.flatMap((
					callback) -> (callback.isMatch() || SpaAuthenticationEntryPoint.isNavigation(exchange.getRequest()))
							? loginFailed(exchange) : this.problems.write(exchange, problem));
	}

	private static Mono<Void> loginFailed(ServerWebExchange exchange) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.FOUND);
		response.getHeaders().setLocation(LOGIN_FAILED);
		return response.setComplete();
	}

}
