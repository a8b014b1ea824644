package dev.porter.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.porter.common.Detached;
import dev.porter.common.OncePerInterval;
import dev.porter.gateway.problem.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Runs a step that must not stop half-way, whoever stops waiting for it. A client that
 * closes its connection (a tab closed, an IdP that gave up on its back-channel logout)
 * cancels its request's chain wherever it is: a session ending cut there leaves the
 * session removed and its refresh token, whose only copy the removal took, unrevoked, or
 * the sessions not begun yet signed in; a login cut once its session is stored leaves the
 * session unknown to back-channel logout and to {@code /bff/sessions}. The step runs on
 * its own subscription, with the caller's context, and a caller that cancels only stops
 * waiting for its outcome. Every such step is bounded by the timeouts of the calls it
 * makes (the store's, the IdP's).
 * <p>
 * A step that fails once its caller left has nobody to tell: its failure reaches nobody
 * (common {@link Detached}), never Reactor's dropped-error log, an ERROR with the stack
 * trace and the message (which may quote Redis' or the IdP's answer) per step, which
 * anyone could cause at will (forged back-channel logout tokens, each sent and
 * abandoned). The step's own code logs what it should, and an answer it chose (a
 * {@link ProblemException}) is its caller's alone; any other failure it left to its
 * caller is logged here by its type, at most once per interval.
 * <p>
 * A step whose caller left holds no connection open, so graceful shutdown would not wait
 * for it: the steps in flight are counted, and shutting down waits for them
 * ({@link #stepsEnded}) before the store and the IdP client close.
 */
@Component
public final class ToTheEnd {

	static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

	private static final Logger log = LoggerFactory.getLogger(ToTheEnd.class);

	/** Each step in flight, as its end: completes once the step has ended. */
	private final Set<Mono<Void>> inFlight = ConcurrentHashMap.newKeySet();

	private final OncePerInterval unheard;

	@Autowired
	ToTheEnd(ObjectProvider<Clock> clock) {
		this(clock.getIfAvailable(Clock::systemUTC));
	}

	/**
	 * @param clock times the reports of failures that reached nobody
	 */
	public ToTheEnd(Clock clock) {
		this.unheard = OncePerInterval.of(LOG_INTERVAL, clock);
	}

	/** {@code step}, run to its end once subscribed, whoever stops waiting for it. */
	public <T> Mono<T> whoeverStopsWaiting(Mono<T> step) {
		return Mono.deferContextual((context) -> {
			Sinks.Empty<Void> ended = Sinks.empty();
			Mono<Void> end = ended.asMono();
			this.inFlight.add(end);
			// Ended only once its outcome has been handed on, or found nobody to take it.
			CompletableFuture<T> outcome = step.contextWrite(context).doFinally((signal) -> {
				this.inFlight.remove(end);
				ended.tryEmitEmpty();
			}).toFuture();
			return Detached.outcomeOf(outcome).doOnCancel(() -> outcome.whenComplete((value, failure) -> {
				if (failure != null) {
					unheard(failure);
				}
			}));
		});
	}

	/**
	 * Completes once every step in flight now has ended, however it ended: a process
	 * shutting down waits for them.
	 * @return completes empty, never with an error
	 */
	public Mono<Void> stepsEnded() {
		return Mono.when(List.copyOf(this.inFlight));
	}

	private void unheard(Throwable failure) {
		if (failure instanceof ProblemException) {
			return;
		}
		long count = this.unheard.count();
		if (count > 0) {
			log.warn("a step run on after its caller left failed, and no one was told ({}){}",
					failure.getClass().getSimpleName(), (count > 1) ? " (" + count + " since the last report)" : "");
		}
	}

}
