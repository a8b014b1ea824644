package dev.porter.common;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One call in flight per key; callers that arrive while it runs join it instead of
 * starting their own.
 * <p>
 * Three properties that every user of this relies on:
 * <ul>
 * <li>A started call runs to its end even if every caller cancels, so whatever it stores
 * (a refreshed token, a loaded profile) is stored once and not half-way.</li>
 * <li>The key is released before the call's result reaches any caller. A caller that
 * reacts to a failure by asking again starts a new call; it never joins the one that has
 * just failed.</li>
 * <li>Nothing is remembered after the call ends: caching a result is the caller's
 * business.</li>
 * </ul>
 *
 * @param <K> what identifies a call (a session id, a registration, a cache key)
 * @param <V> what the call yields
 */
public final class SingleFlight<K, V> {

	private final Map<K, Mono<V>> inFlight = new ConcurrentHashMap<>();

	private final Runnable onJoin;

	/** A single flight that does not report joins. */
	public SingleFlight() {
		this(() -> {
		});
	}

	/**
	 * A single flight that reports each caller that joined a call already in flight.
	 * @param onJoin run once per joining caller, for example to count coalesced calls
	 */
	public SingleFlight(Runnable onJoin) {
		this.onJoin = Objects.requireNonNull(onJoin, "onJoin");
	}

	/**
	 * Joins the call in flight for {@code key}, or starts one with {@code call}.
	 * @param key what identifies the call
	 * @param call makes the call; invoked only when no call for {@code key} is in flight
	 * @return the call's outcome, shared by every caller that joined it
	 */
	public Mono<V> join(K key, Supplier<Mono<V>> call) {
		Objects.requireNonNull(key, "key");
		Mono<V> existing = this.inFlight.get(key);
		if (existing != null) {
			this.onJoin.run();
			return existing;
		}
		Flight started = new Flight(key);
		Mono<V> winner = this.inFlight.putIfAbsent(key, started.outcome);
		if (winner != null) {
			this.onJoin.run();
			return winner;
		}
		started.start(call);
		return started.outcome;
	}

	/**
	 * Whether a call for {@code key} is in flight now.
	 * @param key what identifies the call
	 * @return {@code true} while a call started for {@code key} has not ended
	 */
	public boolean isInFlight(K key) {
		return this.inFlight.containsKey(key);
	}

	/**
	 * Completes once every call in flight now has ended, however it ended: a process
	 * shutting down waits for what its calls will store.
	 * @return completes empty, never with an error
	 */
	public Mono<Void> callsEnded() {
		return Mono
			.when(this.inFlight.values().stream().map((call) -> call.onErrorResume((ex) -> Mono.empty())).toList());
	}

	/** One started call: its outcome is replayed to every caller that joined it. */
	private final class Flight {

		private final K key;

		private final Sinks.One<V> sink = Sinks.one();

		private final Mono<V> outcome = this.sink.asMono();

		Flight(K key) {
			this.key = key;
		}

		void start(Supplier<Mono<V>> call) {
			Mono<V> source;
			try {
				source = Objects.requireNonNull(call.get(), "call returned null");
			}
			catch (RuntimeException ex) {
				source = Mono.error(ex);
			}
			// Subscribed here rather than by the first caller, so a caller that cancels
			// does not cancel the call for everyone else.
			source.subscribe(this::succeed, this::fail, this::complete);
		}

		private void succeed(V value) {
			release();
			this.sink.tryEmitValue(value);
		}

		private void fail(Throwable error) {
			release();
			this.sink.tryEmitError(error);
		}

		private void complete() {
			// After succeed() this is a no-op; for an empty call it ends every caller
			// empty.
			release();
			this.sink.tryEmitEmpty();
		}

		private void release() {
			SingleFlight.this.inFlight.remove(this.key, this.outcome);
		}

	}

}
