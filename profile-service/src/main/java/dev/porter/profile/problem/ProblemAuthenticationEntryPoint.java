package dev.porter.profile.problem;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;

/**
 * 401 problem+json for a missing or bad bearer token, keeping the RFC 6750
 * {@code WWW-Authenticate} challenge. The detail never repeats the validator's message
 * (it may quote claims).
 */
public final class ProblemAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

	private final ProblemWriter writer;

	public ProblemAuthenticationEntryPoint(JsonMapper mapper) {
		this.writer = new ProblemWriter(mapper);
	}

	@Override
	public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
		boolean invalid = ex instanceof InvalidBearerTokenException;
		exchange.getResponse()
			.getHeaders()
			.set(HttpHeaders.WWW_AUTHENTICATE, invalid ? "Bearer error=\"invalid_token\"" : "Bearer");
		String detail = invalid ? "The access token is invalid, expired or not meant for this API."
				: "An access token is required.";
		return this.writer.write(exchange, HttpStatus.UNAUTHORIZED, Problems.unauthorized(detail));
	}

}
