package dev.porter.profile.upstream;

import java.time.Clock;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.codec.CodecException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Maps an upstream's HTTP outcome to a JSON object or an {@link UpstreamException}. Error
 * bodies are released unread: they are never echoed to callers or logs.
 */
public final class UpstreamResponses {

	private final String upstream;

	private final Clock clock;

	public UpstreamResponses(String upstream, Clock clock) {
		this.upstream = upstream;
		this.clock = clock;
	}

	public Mono<ObjectNode> object(ClientResponse response) {
		HttpStatusCode status = response.statusCode();
		if (status.is2xxSuccessful()) {
			return response.bodyToMono(JsonNode.class)
				.switchIfEmpty(Mono.error(() -> failure(UpstreamException.Kind.BAD_RESPONSE, null, null)))
				.flatMap(this::requireObject);
		}
		return response.releaseBody().then(Mono.error(() -> failure(kind(status), wait(response, status), null)));
	}

	/**
	 * Transport failures (refused, reset, read timeout) are outages; unreadable bodies
	 * are nonsense.
	 */
	public Throwable transport(Throwable ex) {
		if (ex instanceof UpstreamException) {
			return ex;
		}
		if (ex instanceof WebClientRequestException) {
			return failure(UpstreamException.Kind.UNAVAILABLE, null, ex);
		}
		if (ex instanceof CodecException) {
			return failure(UpstreamException.Kind.BAD_RESPONSE, null, ex);
		}
		return ex;
	}

	public UpstreamException failure(UpstreamException.Kind kind, @Nullable Duration retryAfter,
			@Nullable Throwable cause) {
		return new UpstreamException(this.upstream, kind, retryAfter, cause);
	}

	private Mono<ObjectNode> requireObject(JsonNode body) {
		return (body instanceof ObjectNode object) ? Mono.just(object)
				: Mono.error(failure(UpstreamException.Kind.BAD_RESPONSE, null, null));
	}

	private static UpstreamException.Kind kind(HttpStatusCode status) {
		if (status.value() == HttpStatus.TOO_MANY_REQUESTS.value()) {
			return UpstreamException.Kind.RATE_LIMITED;
		}
		if (status.is5xxServerError()) {
			return UpstreamException.Kind.UNAVAILABLE;
		}
		if (status.value() == HttpStatus.NOT_FOUND.value()) {
			return UpstreamException.Kind.NOT_FOUND;
		}
		if (status.value() == HttpStatus.UNAUTHORIZED.value()) {
			return UpstreamException.Kind.TOKEN_REJECTED;
		}
		return UpstreamException.Kind.BAD_RESPONSE;
	}

	private @Nullable Duration wait(ClientResponse response, HttpStatusCode status) {
		boolean mayCarryWait = status.value() == HttpStatus.TOO_MANY_REQUESTS.value()
				|| status.value() == HttpStatus.SERVICE_UNAVAILABLE.value();
		return mayCarryWait ? RateLimitHeaders.waitFrom(response.headers().asHttpHeaders(), this.clock) : null;
	}

}
