package dev.porter.profile.problem;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.porter.common.OncePerInterval;
import dev.porter.profile.metadata.MetadataBodyTooLargeException;
import dev.porter.profile.metadata.MetadataPatch;
import dev.porter.profile.metadata.MetadataRefusedException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ContentTooLargeException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Turns every error raised behind the security filter chain into RFC 9457 problem+json;
 * anything unexpected becomes a bare 500 with no exception text.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

	/**
	 * The kinds of 5xx answers are few (a status and one of our details per upstream, or
	 * the class of an unexpected exception); the bound only guards against a detail that
	 * would vary.
	 */
	private static final int MAX_KINDS = 32;

	private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

	private final Clock clock;

	private final Map<String, OncePerInterval> answers = new ConcurrentHashMap<>();

	private final OncePerInterval otherAnswers;

	// A web slice test has no Clock bean; the system's serves it.
	@Autowired
	ApiExceptionHandler(ObjectProvider<Clock> clock) {
		this(clock.getIfAvailable(Clock::systemUTC));
	}

	ApiExceptionHandler(Clock clock) {
		this.clock = clock;
		this.otherAnswers = OncePerInterval.of(LOG_INTERVAL, clock);
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleExceptionInternal(Exception ex, @Nullable Object body,
			@Nullable HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		if (status.is5xxServerError()) {
			report(ex, status, exchange);
		}
		if (body instanceof ProblemDetail problem) {
			Problems.typed(problem);
		}
		else if (body == null && ex instanceof ErrorResponse response) {
			Problems.typed(response.getBody());
		}
		return super.handleExceptionInternal(ex, body, headers, status, exchange);
	}

	/**
	 * During an outage every request gets the same answer: one line per kind of answer
	 * and interval, with a count, the metrics carrying each request.
	 */
	private void report(Exception ex, HttpStatusCode status, ServerWebExchange exchange) {
		String detail = (ex instanceof ErrorResponse response) ? response.getBody().getDetail() : null;
		long count = answersOf(status.value() + " " + detail).count();
		if (count > 0) {
			log.warn("{} {} answered {} ({}): {} ({} since the last report)", exchange.getRequest().getMethod(),
					exchange.getRequest().getPath(), status.value(), detail, describe(ex.getCause()), count);
		}
	}

	private OncePerInterval answersOf(String kind) {
		OncePerInterval known = this.answers.get(kind);
		if (known != null) {
			return known;
		}
		return (this.answers.size() < MAX_KINDS)
				? this.answers.computeIfAbsent(kind, (k) -> OncePerInterval.of(LOG_INTERVAL, this.clock))
				: this.otherAnswers;
	}

	/** The one place where a refused metadata change becomes its problem. */
	@ExceptionHandler(MetadataRefusedException.class)
	Mono<ResponseEntity<Object>> handleMetadataRefused(MetadataRefusedException ex, ServerWebExchange exchange) {
		return answer(new InvalidMetadataException(ex.violations()), exchange);
	}

	@ExceptionHandler(MetadataBodyTooLargeException.class)
	Mono<ResponseEntity<Object>> handleMetadataBodyTooLarge(MetadataBodyTooLargeException ex,
			ServerWebExchange exchange) {
		return answer(new PayloadTooLargeException(ex.limit()), exchange);
	}

	/**
	 * A body over the codecs' buffer (64 KB) is refused before the controller reads it;
	 * the caller gets the same problem as for one over the PATCH limit.
	 */
	@ExceptionHandler(ContentTooLargeException.class)
	Mono<ResponseEntity<Object>> handleContentTooLarge(ContentTooLargeException ex, ServerWebExchange exchange) {
		return answer(new PayloadTooLargeException(MetadataPatch.MAX_BODY_BYTES), exchange);
	}

	private Mono<ResponseEntity<Object>> answer(ErrorResponseException problem, ServerWebExchange exchange) {
		return handleErrorResponseException(problem, problem.getHeaders(), problem.getStatusCode(), exchange);
	}

	/**
	 * A bug, logged with its stack trace; one that every request meets, or that anyone
	 * can trigger, is logged once per interval and kind of exception, with a count. A
	 * body cut off by its sender ({@link RequestBodyReads}) that something wrapped is
	 * still the sender's doing.
	 */
	@ExceptionHandler(Exception.class)
	Mono<ResponseEntity<Object>> handleUnexpected(Exception ex, ServerWebExchange exchange) {
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof RequestBodyIncompleteException cutOff) {
				return answer(cutOff, exchange);
			}
		}
		long count = answersOf("500 " + ex.getClass().getName()).count();
		if (count > 0) {
			log.error("unexpected failure on {} {} ({} since the last report)", exchange.getRequest().getMethod(),
					exchange.getRequest().getPath(), count, ex);
		}
		ProblemDetail problem = Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
				"The request could not be completed.");
		return Mono
			.just(ResponseEntity.internalServerError().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem));
	}

	// Class names only: messages may carry bodies, or URIs with ids in them. A
	// LoggableMessage's (an upstream's failure: the upstream, the kind and the status)
	// tells a setup error (a 403 to our token) from an outage.
	private static String describe(@Nullable Throwable cause) {
		StringBuilder chain = new StringBuilder();
		for (Throwable t = cause; t != null && chain.length() < 300; t = t.getCause()) {
			chain.append((chain.length() > 0) ? " <- " : "").append(t.getClass().getSimpleName());
			if (t instanceof LoggableMessage) {
				chain.append(" (").append(t.getMessage()).append(')');
			}
		}
		return (chain.length() > 0) ? chain.toString() : "-";
	}

}
