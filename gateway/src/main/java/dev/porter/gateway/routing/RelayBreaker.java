package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import dev.porter.common.WallClockWaits;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.ErrorResponse;

/**
 * The breaker's decision for the relay: whether a call may go upstream at all, and what
 * each call's end says about the upstream's health. Connection errors, timeouts and a
 * 502, 503 or 504 from something in front of the upstream (a proxy or load balancer
 * finding no instance) are failures. A 4xx is the caller's own answer (a bad body, its
 * own rate limit, a missing user), a 500 or 501 one request's fault or a deliberate
 * refusal, and a 502, 503 or 504 that is a problem document the upstream's own defined
 * answer (what it depends on failed for this caller, or for callers it has not cached,
 * while it serves the others): they are ignored, since one user's requests must never
 * open the circuit for everybody, nor hide an outage by counting as calls that succeeded.
 */
final class RelayBreaker {

	private static final Logger log = LoggerFactory.getLogger(RelayBreaker.class);

	private final CircuitBreaker breaker;

	/** The least wait a refused caller is asked for: a probe may go at any moment. */
	private static final Duration AT_LEAST = Duration.ofSeconds(1);

	private final Clock clock;

	/** When the open circuit lets a probe through; set each time it opens. */
	private volatile Instant probeAt = Instant.MIN;

	/**
	 * @param clock the clock of {@code breaker}'s configuration, which times its open
	 * state
	 */
	RelayBreaker(CircuitBreaker breaker, Clock clock) {
		this.breaker = breaker;
		this.clock = clock;
		breaker.getEventPublisher().onStateTransition(this::transitioned);
	}

	/**
	 * Logs each change of the circuit's state, once: while it is open no call goes
	 * upstream, so no failure is logged, and the silence would read as a recovery while
	 * every caller gets 503. Once per change, however many requests it refuses: it opens
	 * for {@code RELAY_BREAKER_OPEN_FOR} at least, whatever the callers do.
	 */
	private void transitioned(CircuitBreakerOnStateTransitionEvent event) {
		switch (event.getStateTransition().getToState()) {
			case OPEN -> {
				Duration openFor = openFor();
				this.probeAt = this.clock.instant().plus(openFor);
				// the metrics of the state that opened it (closed, or half-open)
				float failureRate = this.breaker.getMetrics().getFailureRate();
				log.warn("relay to {}: circuit open{}: every request answered 503 for {}, then probes go through",
						upstream(),
						(failureRate >= 0) ? " after " + Math.round(failureRate) + " % of calls failed" : "",
						(openFor.toMillis() % 1000 == 0) ? openFor.toSeconds() + "s" : openFor.toMillis() + "ms");
			}
			case HALF_OPEN -> log.info("relay to {}: circuit half-open: probes go through", upstream());
			case CLOSED -> log.info("relay to {}: circuit closed: relaying again", upstream());
			default -> log.info("relay to {}: circuit {}", upstream(), event.getStateTransition().getToState());
		}
	}

	/** The upstream's name, as the breaker's metrics and the relay's logs know it. */
	String upstream() {
		return this.breaker.getName();
	}

	/**
	 * Whether a call may go upstream now; every permitted call must end in exactly one of
	 * {@link #answered}, {@link #failed} or {@link #abandoned}.
	 */
	boolean permitsCall() {
		if (this.breaker.getState() == CircuitBreaker.State.OPEN) {
			probeIfTheClockSteppedBack();
		}
		return this.breaker.tryAcquirePermission();
	}

	/**
	 * The open circuit lets a probe through once the wall clock reads the end of its
	 * wait, set when it opened: stepped back since (NTP, a VM restored), it would refuse
	 * every call for as long as the step. A wait that ends further ahead than its own
	 * length is over ({@link WallClockWaits}): the circuit goes half-open, as it would
	 * have once the wait had passed. Only then: a wait that has passed is the breaker's
	 * own to end, so the two never both end it.
	 */
	private synchronized void probeIfTheClockSteppedBack() {
		Instant now = this.clock.instant();
		boolean steppedBack = now.isBefore(this.probeAt) && WallClockWaits.left(now, this.probeAt, openFor()).isZero();
		if (steppedBack && this.breaker.getState() == CircuitBreaker.State.OPEN) {
			this.breaker.transitionToHalfOpenState();
		}
	}

	/**
	 * How long a caller the circuit refused should wait: what is left of the open wait
	 * until a probe is let through, and at least a second (half-open, with every probe
	 * under way, or the wait just over).
	 */
	Duration retryAfter() {
		Duration left = WallClockWaits.left(this.clock.instant(), this.probeAt, openFor());
		return (this.breaker.getState() == CircuitBreaker.State.OPEN && left.compareTo(AT_LEAST) > 0) ? left : AT_LEAST;
	}

	/** How long the open circuit refuses calls before it lets a probe through. */
	private Duration openFor() {
		return Duration.ofMillis(this.breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1));
	}

	/** Counts the answer as its {@link Outcome}, which it returns. */
	Outcome answered(@Nullable HttpStatusCode status, HttpHeaders headers, long nanos) {
		Outcome outcome = Outcome.of(status, headers);
		switch (outcome) {
			case FAILURE -> this.breaker.onError(nanos, TimeUnit.NANOSECONDS,
					new UpstreamServerError((status != null) ? status.value() : 0));
			case IGNORED -> this.breaker.releasePermission();
			case SUCCESS -> this.breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
		}
		return outcome;
	}

	void failed(Throwable error, long nanos) {
		this.breaker.onError(nanos, TimeUnit.NANOSECONDS, error);
	}

	/**
	 * The body of an answer already counted by {@link #answered} failed (its connection
	 * closed or stalled before the announced length): counted as a failure besides, since
	 * a breaker's call cannot be counted again. Recording needs no permit.
	 */
	void bodyLost(Throwable error) {
		this.breaker.onError(0, TimeUnit.NANOSECONDS, error);
	}

	/**
	 * The caller went away before an answer: the call says nothing about the upstream.
	 */
	void abandoned() {
		this.breaker.releasePermission();
	}

	/**
	 * The caller's own request was refused before it went upstream
	 * ({@link #isCallersOwn}): the call says nothing about the upstream.
	 */
	void refused() {
		this.breaker.releasePermission();
	}

	/**
	 * Whether {@code error} is a refusal of the caller's own request, raised while the
	 * relayed request was built or sent: the firewall's, for a header the relay read, or
	 * any other 4xx. Counted, one user's bad requests would open the circuit for
	 * everybody.
	 */
	static boolean isCallersOwn(Throwable error) {
		return error instanceof ServerExchangeRejectedException
				|| (error instanceof ErrorResponse response && response.getStatusCode().is4xxClientError());
	}

	/** What one upstream answer tells the breaker about the upstream's health. */
	enum Outcome {

		SUCCESS, FAILURE, IGNORED;

		/** The answer's headers are read only for a 502, 503 or 504. */
		static Outcome of(@Nullable HttpStatusCode status, HttpHeaders headers) {
			if (status == null) {
				return SUCCESS;
			}
			int code = status.value();
			if (code == 502 || code == 503 || code == 504) {
				return isProblem(headers) ? IGNORED : FAILURE;
			}
			return (status.is4xxClientError() || status.is5xxServerError()) ? IGNORED : SUCCESS;
		}

		/**
		 * Whether the answer is typed as profile-service types its problems: exactly
		 * {@code application/problem+json}. A type that does not parse, or a wildcard
		 * (compatible with every type), is no problem document of profile-service's.
		 */
		private static boolean isProblem(HttpHeaders headers) {
			try {
				MediaType type = headers.getContentType();
				return type != null && MediaType.APPLICATION_PROBLEM_JSON.equalsTypeAndSubtype(type);
			}
			catch (InvalidMediaTypeException ex) {
				return false;
			}
		}

	}

	/** Marks an upstream 502/503/504 as a failure for the breaker's statistics. */
	static final class UpstreamServerError extends RuntimeException {

		UpstreamServerError(int status) {
			super("upstream answered " + status, null, false, false);
		}

	}

}
