package dev.porter.gateway.routing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.problem.Problems;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;

/**
 * Guards the upstream call: connection errors, timeouts and the upstream's 502, 503 and
 * 504 (it cannot reach what it depends on) count as failures; while the circuit is open
 * no request is forwarded. Either way the caller gets a 503 problem with
 * {@code Retry-After} instead of Spring Cloud Gateway's 500/504. An upstream's own 5xx is
 * passed on (it may carry its own problem and {@code Retry-After}). A 4xx is the caller's
 * own answer (a bad body, its own rate limit, a missing user) and a 500 or 501 one
 * request's fault or a deliberate refusal: the breaker ignores them, since one user's bad
 * requests must never open the circuit for everybody, nor hide an outage by counting as
 * successes. Records {@code porter.relay} latency.
 */
class CircuitBreakerFilter implements GatewayFilter, Ordered {

	static final int ORDER = 30;

	private static final Logger log = LoggerFactory.getLogger(CircuitBreakerFilter.class);

	private final CircuitBreaker breaker;

	private final ProblemWriter problems;

	private final Duration retryAfter;

	private final MeterRegistry meters;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	CircuitBreakerFilter(CircuitBreaker breaker, ProblemWriter problems, Duration retryAfter, MeterRegistry meters) {
		this.breaker = breaker;
		this.problems = problems;
		this.retryAfter = retryAfter;
		this.meters = meters;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (!this.breaker.tryAcquirePermission()) {
			record("rejected", 0);
			return unavailable(exchange,
					this.breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1));
		}
		long start = System.nanoTime();
		return chain.filter(exchange).doOnSuccess((done) -> onResponse(exchange, start)).onErrorResume((ex) -> {
			long elapsed = System.nanoTime() - start;
			this.breaker.onError(elapsed, TimeUnit.NANOSECONDS, ex);
			record("error", elapsed);
			log.warn("relay to {} failed: {}", this.breaker.getName(), ex.getClass().getSimpleName());
			return unavailable(exchange, this.retryAfter.toMillis());
		}).doOnCancel(this.breaker::releasePermission);
	}

	private void onResponse(ServerWebExchange exchange, long start) {
		long elapsed = System.nanoTime() - start;
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		switch (Outcome.of(status)) {
			case FAILURE -> this.breaker.onError(elapsed, TimeUnit.NANOSECONDS,
					new UpstreamServerError((status != null) ? status.value() : 0));
			case IGNORED -> this.breaker.releasePermission();
			case SUCCESS -> this.breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
		}
		record((status != null) ? Integer.toString(status.value()) : "unknown", elapsed);
	}

	private Mono<Void> unavailable(ServerWebExchange exchange, long retryAfterMillis) {
		Duration wait = Duration.ofMillis(retryAfterMillis);
		return this.problems.write(exchange, Problems.upstreamUnavailable("profile service", wait), wait);
	}

	private void record(String outcome, long nanos) {
		// One timer per outcome, looked up rather than re-registered on every request.
		this.timers.computeIfAbsent(outcome, this::timer).record(nanos, TimeUnit.NANOSECONDS);
	}

	private Timer timer(String outcome) {
		return Timer.builder("porter.relay")
			.description("Latency of requests relayed to an upstream")
			.tag("upstream", this.breaker.getName())
			.tag("outcome", outcome)
			.register(this.meters);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/** What one upstream answer tells the breaker about the upstream's health. */
	enum Outcome {

		SUCCESS, FAILURE, IGNORED;

		static Outcome of(@Nullable HttpStatusCode status) {
			if (status == null) {
				return SUCCESS;
			}
			int code = status.value();
			if (code == 502 || code == 503 || code == 504) {
				return FAILURE;
			}
			return (status.is4xxClientError() || status.is5xxServerError()) ? IGNORED : SUCCESS;
		}

	}

	/** Marks an upstream 502/503/504 as a failure for the breaker's statistics. */
	static final class UpstreamServerError extends RuntimeException {

		UpstreamServerError(int status) {
			super("upstream answered " + status, null, false, false);
		}

	}

}
