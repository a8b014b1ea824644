package dev.porter.profile.upstream;

import dev.porter.common.RateLimitHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.codec.CodecException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Maps an upstream's HTTP outcome to a JSON object or an {@link UpstreamException}. Error
 * bodies are released unread: they are never echoed to callers or logs.
 *
 * <p>
 * A 4xx that the caller's request caused is kept apart from the upstream's own trouble
 * ({@link UpstreamException.Kind#REFUSED}, {@code NOT_FOUND}, {@code TOKEN_REJECTED}), so
 * that one caller's bad requests never count against the upstream for everybody. A
 * {@code TOKEN_REJECTED} is the caller's only where the caller's token was sent
 * ({@code /userinfo}); at the Management API it refuses our own credential. A
 * {@code NOT_FOUND} comes only from a directory: {@code /userinfo} has no user to miss.
 */
public final class UpstreamResponses {

	private final String upstream;

	private final Clock clock;

	private final boolean callersToken;

	/**
	 * @param callersToken whether requests carry the caller's own access token (as to
	 * {@code /userinfo}) rather than ours: then a 400 or 403 is about that token, not
	 * about our credentials
	 */
	public UpstreamResponses(String upstream, Clock clock, boolean callersToken) {
		this.upstream = upstream;
		this.clock = clock;
		this.callersToken = callersToken;
	}

	public Mono<ObjectNode> object(ClientResponse response) {
		HttpStatusCode status = response.statusCode();
		if (status.is2xxSuccessful()) {
			return response.bodyToMono(JsonNode.class)
				// a success all the same: a change it answers was applied
				.onErrorMap(UpstreamResponses::unreadableEntry,
						(ex) -> new UpstreamException(this.upstream, UpstreamException.Kind.ENTRY_UNUSABLE,
								status.value(), null, ex))
				.switchIfEmpty(Mono.error(() -> failure(UpstreamException.Kind.BAD_RESPONSE, null, null)))
				.flatMap(this::requireObject);
		}
		return failed(response);
	}

	/** A 2xx whose body, if any, means nothing (Keycloak's {@code PUT} answers 204). */
	public Mono<Void> empty(ClientResponse response) {
		if (response.statusCode().is2xxSuccessful()) {
			return response.releaseBody();
		}
		return failed(response);
	}

	private <T> Mono<T> failed(ClientResponse response) {
		HttpStatusCode status = response.statusCode();
		return response.releaseBody()
			.then(Mono.error(() -> new UpstreamException(this.upstream, kind(status), status.value(),
					wait(response, status), null)));
	}

	/**
	 * Transport failures (refused, reset, no pooled connection in time) are outages; the
	 * client's own response timeout is the attempt's timeout ({@link #attemptTimedOut});
	 * unreadable bodies are nonsense, but a body this service will not read is the one
	 * record's ({@link #unreadableEntry}).
	 */
	public Throwable transport(Throwable ex) {
		if (ex instanceof UpstreamException) {
			return ex;
		}
		if (readTimedOut(ex)) {
			return attemptTimedOut(ex);
		}
		if (ex instanceof WebClientRequestException) {
			return failure(UpstreamException.Kind.UNAVAILABLE, null, ex);
		}
		if (unreadableEntry(ex)) {
			return failure(UpstreamException.Kind.ENTRY_UNUSABLE, null, ex);
		}
		if (ex instanceof CodecException) {
			return failure(UpstreamException.Kind.BAD_RESPONSE, null, ex);
		}
		return ex;
	}

	/**
	 * Whether the client's response timeout ended the call: the answer, or the rest of
	 * its body, did not come in time. It is raised inside a
	 * {@link WebClientRequestException} while the answer's head is awaited, on its own
	 * while the body is read.
	 */
	private static boolean readTimedOut(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ReadTimeoutException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The client's response timeout as the time limiter's own {@link TimeoutException}
	 * ({@code UpstreamPolicy}): both end an attempt that took too long, so whichever
	 * fires first the attempt gets one rule, not retried and a change's outcome unknown
	 * ({@link UpstreamFailures}). Taken for an outage, it was retried: a change the
	 * upstream may have applied was sent again, and a read's outcome depended on which
	 * timer won.
	 */
	private TimeoutException attemptTimedOut(Throwable ex) {
		TimeoutException timedOut = new TimeoutException(this.upstream + " sent no whole answer in time");
		timedOut.initCause(ex);
		return timedOut;
	}

	/**
	 * Whether {@code ex}, or what caused it, is a well-formed answer this service will
	 * not read: over the read limit ({@link #overReadLimit}), or breaking the JSON
	 * parser's constraints (nesting deeper than 500, a number or a string longer than it
	 * takes: Jackson's {@code StreamReadConstraints}). Either is one user's record that
	 * another client wrote, not the upstream's trouble: counted, ten of her reads opened
	 * the circuit for everybody.
	 */
	public static boolean unreadableEntry(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof DataBufferLimitException || cause instanceof StreamConstraintsException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether {@code ex}, or what caused it, is an answer's body over the read limit: one
	 * user's record that another client grew past what this service reads, as the
	 * caller-facing problem made of it still tells.
	 */
	public static boolean overReadLimit(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof DataBufferLimitException) {
				return true;
			}
		}
		return false;
	}

	public UpstreamException failure(UpstreamException.Kind kind, @Nullable Duration retryAfter,
			@Nullable Throwable cause) {
		return new UpstreamException(this.upstream, kind, retryAfter, cause);
	}

	/** An answer of {@code status} that an adapter classified itself as {@code kind}. */
	public UpstreamException failure(UpstreamException.Kind kind, int status) {
		return new UpstreamException(this.upstream, kind, status, null, null);
	}

	private Mono<ObjectNode> requireObject(JsonNode body) {
		return (body instanceof ObjectNode object) ? Mono.just(object)
				: Mono.error(failure(UpstreamException.Kind.BAD_RESPONSE, null, null));
	}

	UpstreamException.Kind kind(HttpStatusCode status) {
		int code = status.value();
		if (code == HttpStatus.TOO_MANY_REQUESTS.value()) {
			return UpstreamException.Kind.RATE_LIMITED;
		}
		if (status.is5xxServerError()) {
			return UpstreamException.Kind.UNAVAILABLE;
		}
		if (code == HttpStatus.NOT_FOUND.value()) {
			// /userinfo answers any token it accepts, and documents no 404: one is a
			// wrong address or a proxy's page, the same for every caller. A directory's
			// is about the user asked for (an adapter may tell one that is not).
			return this.callersToken ? UpstreamException.Kind.BAD_RESPONSE : UpstreamException.Kind.NOT_FOUND;
		}
		if (code == HttpStatus.UNAUTHORIZED.value()) {
			return UpstreamException.Kind.TOKEN_REJECTED;
		}
		if (this.callersToken && (code == HttpStatus.BAD_REQUEST.value() || code == HttpStatus.FORBIDDEN.value())) {
			// RFC 6750: invalid_request / insufficient_scope of the caller's token
			return UpstreamException.Kind.TOKEN_REJECTED;
		}
		if (code == HttpStatus.BAD_REQUEST.value() || code == HttpStatus.CONFLICT.value()
				|| code == HttpStatus.CONTENT_TOO_LARGE.value() || code == HttpStatus.UNPROCESSABLE_CONTENT.value()) {
			return UpstreamException.Kind.REFUSED;
		}
		// 403 to our M2M token, 405, 410, ...: our setup or the upstream is
		// wrong, for every caller alike.
		return UpstreamException.Kind.BAD_RESPONSE;
	}

	private @Nullable Duration wait(ClientResponse response, HttpStatusCode status) {
		boolean mayCarryWait = status.value() == HttpStatus.TOO_MANY_REQUESTS.value()
				|| status.value() == HttpStatus.SERVICE_UNAVAILABLE.value();
		return mayCarryWait ? RateLimitHeaders.waitFrom(response.headers().asHttpHeaders()::getFirst, this.clock)
				: null;
	}

}
