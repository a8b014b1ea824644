package dev.porter.gateway.login;

import java.net.URI;

import dev.porter.gateway.problem.ProblemWriter;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;

/**
 * How a login that cannot go on is answered: turned away by a login guard (the address
 * over its budget, the session store full), a {@code returnTo} that is no local path, or
 * a failure on its way (the IdP's discovery or the session store unavailable, an error of
 * ours: {@link LoginErrorWebFilter}). The callback is the IdP sending back a person who
 * has just typed their password: it lands on {@code /?login=failed}, as every failed
 * callback does and the SPA explains, never on a JSON problem page. {@code /bff/login} is
 * a navigation too ("Sign in" clicked), and one the user started
 * ({@code Sec-Fetch-User: ?1}) lands there as well, or on {@code /?login=unavailable}
 * when a service the login needs is down ({@code 503}), where the SPA says to try again
 * in a moment. Any other gets the problem with its {@code Retry-After}: a script's, which
 * could not follow a redirect anyway (design.md: no 302 to XHR or fetch), a client with
 * no sign of a browser (curl, a load test), and a navigation a script started
 * ({@code location.assign}): sent back to the SPA, an SPA that navigates to
 * {@code login_url} on every 401 would come straight back, without the IdP between, for
 * as long as the refusal lasts, and take each new window's first. The redirect carries no
 * {@code Retry-After}: with a 3xx it would ask the browser to wait before loading the
 * SPA. It goes to one of these two fixed places only, never to the {@code returnTo} asked
 * for.
 */
final class LoginRefusal {

	/** Where a failed login sends the browser; the SPA tells the user it did not work. */
	static final URI LOGIN_FAILED = URI.create("/?login=failed");

	/**
	 * Where the user's "Sign in" lands while a service the login needs is unavailable;
	 * the SPA tells the user to try again in a moment.
	 */
	static final URI LOGIN_UNAVAILABLE = URI.create("/?login=unavailable");

	private static final ServerWebExchangeMatcher CALLBACK = ServerWebExchangeMatchers
		.pathMatchers(LoginPaths.CALLBACK);

	private final ProblemWriter problems;

	LoginRefusal(ProblemWriter problems) {
		this.problems = problems;
	}

	Mono<Void> refuse(ServerWebExchange exchange, ProblemDetail problem) {
		return CALLBACK.matches(exchange).flatMap((callback) -> {
			if (callback.isMatch()) {
				return sendBack(exchange, LOGIN_FAILED);
			}
			if (userStartedNavigation(exchange.getRequest())) {
				return sendBack(exchange, isUnavailable(problem) ? LOGIN_UNAVAILABLE : LOGIN_FAILED);
			}
			return this.problems.write(exchange, problem);
		});
	}

	private static boolean userStartedNavigation(ServerHttpRequest request) {
		return SpaAuthenticationEntryPoint.isNavigation(request)
				&& "?1".equals(request.getHeaders().getFirst("Sec-Fetch-User"));
	}

	private static boolean isUnavailable(ProblemDetail problem) {
		return problem.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value();
	}

	private static Mono<Void> sendBack(ServerWebExchange exchange, URI landing) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.FOUND);
		response.getHeaders().setLocation(landing);
		return response.setComplete();
	}

}
