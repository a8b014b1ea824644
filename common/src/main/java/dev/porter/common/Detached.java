package dev.porter.common;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Work that runs to its end whatever its subscriber does, such as a load whose result
 * other callers share, a change that was sent, or a session's ending. Its subscriber may
 * cancel (a request's deadline, a client that went away, a {@code zip} whose other side
 * failed first): the work goes on, and its outcome, should it be a failure, reaches
 * nobody. Reactor would report such a failure as dropped, at ERROR with its stack trace
 * and message, once per request during an outage ({@code Mono.fromFuture(future, true)}
 * does), and anyone who can have such work started and leave could fill the log with
 * them; here it is known and expected, and whoever needs it (the cache, the breaker, the
 * work's own log line) has it already.
 * <p>
 * The same holds for a resource being opened, such as a connection ({@link #open}):
 * cancelled midway, the thread opening it would be interrupted, and a client interrupted
 * while it connects may leave the connection it was making open, with nobody to close it
 * (Lettuce does).
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

	/**
	 * The resource {@code opening} yields, for a subscriber that may leave before it is
	 * ready (its timeout passed): {@code opening} is subscribed once and at once, never
	 * cancelled, so that it runs to its end; a resource it yields once its subscriber has
	 * left is closed with {@code close}, and a failure then reaches nobody. One the
	 * subscriber got is the subscriber's to close ({@code Mono.usingWhen}).
	 */
	public static <T> Mono<T> open(Mono<T> opening, Function<? super T, ? extends Publisher<?>> close) {
		return Mono.deferContextual((context) -> {
			CompletableFuture<T> opened = opening.contextWrite(context).toFuture();
			// whoever comes first takes the resource: the subscriber, or its leaving
			AtomicBoolean taken = new AtomicBoolean();
			return outcomeOf(opened).filter((resource) -> taken.compareAndSet(false, true)).doOnCancel(() -> {
				if (taken.compareAndSet(false, true)) {
					opened.thenAccept((resource) -> Mono.from(close.apply(resource)).onErrorComplete().subscribe());
				}
			});
		});
	}

}
