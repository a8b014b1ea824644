package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;

import dev.porter.gateway.problem.ProblemWriter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;

/**
 * Guards the upstream call: while the circuit is open no request is forwarded, and a call
 * that gets no answer (connection error, timeout, an interim answer in place of the final
 * one) or whose body fails before the browser has any of it ({@link #bodyLost}) counts as
 * a failure, as does an answer {@link RelayBreaker} counts as one (a proxy's 502, 503 or
 * 504 in front of the upstream); either way the caller gets a 503 problem
 * ({@link UpstreamUnavailable}). A refusal of the caller's own request
 * ({@link RelayBreaker#isCallersOwn}) is neither counted nor answered here: it goes on to
 * the handler of that refusal. An upstream's own status is passed on as it is (it may
 * carry its own problem and {@code Retry-After}); which of them count against the
 * upstream is {@link RelayBreaker}'s rule. Every call's latency goes to
 * {@link RelayTimers}; failures are logged by {@link RelayFailureLog}, the circuit's
 * changes by {@link RelayBreaker}.
 */
class CircuitBreakerFilter implements GatewayFilter, Ordered {

	static final int ORDER = 30;

	private final RelayBreaker breaker;

	private final RelayTimers timers;

	private final UpstreamUnavailable unavailable;

	private final RelayFailureLog failures;

	private final Duration retryAfter;

	/**
	 * @param clock the clock of {@code breaker}'s configuration, which times its open
	 * state, and of the failures' log
	 */
	CircuitBreakerFilter(CircuitBreaker breaker, ProblemWriter problems, Duration retryAfter, MeterRegistry meters,
			Clock clock) {
		this(new RelayBreaker(breaker, clock), new RelayTimers(breaker.getName(), meters),
				new UpstreamUnavailable("profile service", problems), new RelayFailureLog(breaker.getName(), clock),
				retryAfter);
	}

	/**
	 * @param retryAfter the wait suggested after a call that got no answer; while the
	 * circuit is open, the wait is the time until it lets a probe through
	 */
	CircuitBreakerFilter(RelayBreaker breaker, RelayTimers timers, UpstreamUnavailable unavailable,
			RelayFailureLog failures, Duration retryAfter) {
		this.breaker = breaker;
		this.timers = timers;
		this.unavailable = unavailable;
		this.failures = failures;
		this.retryAfter = retryAfter;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (!this.breaker.permitsCall()) {
			this.timers.rejected();
			return this.unavailable.write(exchange, this.breaker.retryAfter());
		}
		long start = System.nanoTime();
		// Deferred: an error the call throws at once must end the permit like any other.
		return Mono.defer(() -> chain.filter(exchange))
			// Only while the call is under way: once it has ended, it is counted.
			.doOnCancel(this.breaker::abandoned)
			.then(Mono.fromSupplier(() -> answered(exchange, start)))
			.onErrorResume((ex) -> notAnswered(exchange, ex, start).then(Mono.empty()))
			.flatMap((outcome) -> (outcome == RelayBreaker.Outcome.FAILURE) ? answerFailed(exchange) : Mono.empty());
	}

	private Mono<Void> notAnswered(ServerWebExchange exchange, Throwable ex, long start) {
		if (RelayBreaker.isCallersOwn(ex)) {
			// The caller's own request, refused before it went upstream: the handler of
			// that refusal answers it (the firewall's, the problems').
			this.breaker.refused();
			return Mono.error(ex);
		}
		long elapsed = System.nanoTime() - start;
		this.breaker.failed(ex, elapsed);
		this.timers.failed(elapsed);
		this.failures.failed(ex);
		return this.unavailable.write(exchange, this.retryAfter);
	}

	/**
	 * The upstream's body failed after its head was counted as an answer and before the
	 * browser had any of it ({@link RelayHandler.BodyLost}): a failure of the upstream,
	 * answered like one that sent nothing, without the headers taken from its head.
	 */
	Mono<Void> bodyLost(ServerWebExchange exchange, Throwable error) {
		this.breaker.bodyLost(error);
		this.failures.bodyLost(error);
		RelayedAnswerHeaders.removeFrom(exchange.getResponse().getHeaders());
		return this.unavailable.write(exchange, this.retryAfter);
	}

	/**
	 * An answer counted as a failure (a proxy's or balancer's 502, 503 or 504 in front of
	 * the upstream): answered like a call that got none, its status, headers and body (a
	 * page of the proxy's) thrown away.
	 */
	private Mono<Void> answerFailed(ServerWebExchange exchange) {
		UpstreamCall.discardAnswer(exchange);
		RelayedAnswerHeaders.removeFrom(exchange.getResponse().getHeaders());
		this.failures.answeredInFront(exchange.getResponse().getStatusCode());
		return this.unavailable.write(exchange, this.retryAfter);
	}

	private RelayBreaker.Outcome answered(ServerWebExchange exchange, long start) {
		long elapsed = System.nanoTime() - start;
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		RelayBreaker.Outcome outcome = this.breaker.answered(status, exchange.getResponse().getHeaders(), elapsed);
		this.timers.answered(status, elapsed);
		return outcome;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
