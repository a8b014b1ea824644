package dev.porter.profile.problem;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes a problem from places the controller advice never sees: the security filter
 * chain's entry point and access-denied handler.
 */
final class ProblemWriter {

	private final JsonMapper mapper;

	ProblemWriter(JsonMapper mapper) {
		this.mapper = mapper;
	}

	Mono<Void> write(ServerWebExchange exchange, HttpStatus status, ProblemDetail problem) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		// The path alone, as the controller advice's problems have it: the gateway relays
		// this body to the browser, and an absolute URI would carry the name and port
		// profile-service is reached under inside the deployment.
		problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
		byte[] body = this.mapper.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
		DataBuffer buffer = response.bufferFactory().wrap(body);
		return response.writeWith(Mono.just(buffer));
	}

}
