package dev.porter.gateway.login;

import java.net.URI;
import java.util.List;

import dev.porter.gateway.bff.RequestMediaTypes;
import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.problem.Problems;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What an unauthenticated request gets: a browser navigation is redirected to
 * {@code /bff/login} (coming back to the page it asked for); anything else — fetch, XHR,
 * curl — gets a 401 problem with {@code login_url}, because a 302 to the IdP is useless
 * (and a CORS error) to script.
 */
class SpaAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

	private final ProblemWriter problems;

	SpaAuthenticationEntryPoint(ProblemWriter problems) {
		this.problems = problems;
	}

	@Override
	public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
		if (isNavigation(exchange.getRequest())) {
			return redirectToLogin(exchange);
		}
		return this.problems.write(exchange, Problems.loginRequired("Sign in to continue"));
	}

	/**
	 * A top-level navigation: asks for HTML, and fetch metadata does not mark it script.
	 */
	static boolean isNavigation(ServerHttpRequest request) {
		HttpHeaders headers = request.getHeaders();
		if (headers.containsHeader("X-Requested-With")) {
			return false;
		}
		String fetchMode = headers.getFirst("Sec-Fetch-Mode");
		if (fetchMode != null) {
			return "navigate".equals(fetchMode);
		}
		List<MediaType> accepted = RequestMediaTypes.accepted(headers);
		return accepted.stream()
			.anyMatch((type) -> type.isCompatibleWith(MediaType.TEXT_HTML) && !type.isWildcardType());
	}

	private Mono<Void> redirectToLogin(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		String target = request.getURI().getRawPath()
				+ ((request.getURI().getRawQuery() != null) ? "?" + request.getURI().getRawQuery() : "");
		URI location = UriComponentsBuilder.fromPath(Problems.LOGIN_URL)
			.queryParam("returnTo", "{returnTo}")
			.encode()
			.buildAndExpand(ReturnTo.isLocalPath(target) ? target : "/")
			.toUri();
		exchange.getResponse().setStatusCode(HttpStatus.FOUND);
		exchange.getResponse().getHeaders().setLocation(location);
		return exchange.getResponse().setComplete();
	}

}
