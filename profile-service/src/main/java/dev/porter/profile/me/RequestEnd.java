package dev.porter.profile.me;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The instant by which a request must be answered ({@link RequestDeadline}), carried in
 * the Reactor context: work that starts late in a request can tell whether an upstream's
 * own deadline still ends before the request's.
 */
final class RequestEnd {

	private static final Class<RequestEnd> KEY = RequestEnd.class;

	private RequestEnd() {
	}

	static Context put(Context context, Instant end) {
		return context.put(KEY, end);
	}

	/**
	 * Completes when at least {@code needed} is left before the request's end on
	 * {@code clock}, or when the request has no end; fails with {@code tooLate}'s
	 * exception otherwise.
	 */
	static Mono<Void> leaves(Duration needed, Clock clock, Supplier<? extends Throwable> tooLate) {
		return Mono.deferContextual((context) -> {
			boolean enough = context.<Instant>getOrEmpty(KEY)
				.map((end) -> !clock.instant().plus(needed).isAfter(end))
				.orElse(true);
			return enough ? Mono.empty() : Mono.error(tooLate.get());
		});
	}

}
