package dev.porter.profile.problem;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;

/** 403 problem+json with the RFC 6750 {@code insufficient_scope} challenge. */
public final class ProblemAccessDeniedHandler implements ServerAccessDeniedHandler {

	private final ProblemWriter writer;

	public ProblemAccessDeniedHandler(JsonMapper mapper) {
		this.writer = new ProblemWriter(mapper);
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
		exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\"");
		return this.writer.write(exchange, HttpStatus.FORBIDDEN, Problems.forbidden());
	}

}
