package dev.porter.profile.problem;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * 503 when a token could not be checked because discovery or the JWKS was unreachable
 * (the resource server rethrows that as {@link AuthenticationServiceException}); without
 * this it would be a 500.
 */
@Component
@Order(-2)
class IdentityProviderDownHandler implements WebExceptionHandler {

	private final ProblemWriter writer;

	IdentityProviderDownHandler(JsonMapper mapper) {
		this.writer = new ProblemWriter(mapper);
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (!(ex instanceof AuthenticationServiceException) || exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
		return this.writer.write(exchange, HttpStatus.SERVICE_UNAVAILABLE,
				Problems.upstreamUnavailable("identity provider"));
	}

}
