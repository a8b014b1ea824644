package dev.porter.profile.async;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import reactor.core.publisher.Mono;

/**
 * Work that runs to its end whatever its subscriber does, such as a load whose result
 * other callers share or a change that was sent. Its subscriber may cancel (a request's
 * deadline, a browser that went away, a {@code zip} whose other side failed first): the
 * work goes on, and its outcome, should it be a failure, reaches nobody. Reactor would
 * report such a failure as dropped, at ERROR with its stack trace, once per request
 * during an outage ({@code Mono.fromFuture(future, true)} does); here it is known and
 * expected, and whoever needs it (the cache, the breaker) has it already.
 */
public final class Detached {

	private Detached() {
	}

	/**
	 * {@code work}, subscribed once and at once with its subscriber's context, run to its
	 * end; its outcome for whoever still waits.
	 */
	public static <T> Mono<T> run(Mono<T> work) {
		return Mono.deferContextual((context) -> outcomeOf(work.contextWrite(context).toFuture()));
	}

	/**
	 * The outcome of {@code future}, which a cancel of the result's subscriber neither
	 * cancels nor turns into a dropped error: the Mono waits on a stage that always
	 * completes normally, holding the outcome.
	 */
	public static <T> Mono<T> outcomeOf(CompletableFuture<T> future) {
		CompletableFuture<Mono<T>> settled = future
			.handle((value, error) -> (error != null) ? Mono.error(error) : Mono.justOrEmpty(value));
		return Mono.fromFuture(settled, true).flatMap(Function.identity());
	}

}
