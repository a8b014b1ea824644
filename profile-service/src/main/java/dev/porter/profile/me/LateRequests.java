package dev.porter.profile.me;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.porter.common.OncePerInterval;
import dev.porter.profile.problem.RoutedEndpoints;

import org.springframework.web.server.ServerWebExchange;

/**
 * Logs the requests answered 503 because {@code PROFILE_REQUEST_DEADLINE} passed: one
 * line per endpoint and minute, with a count, as {@code ApiExceptionHandler} does for the
 * other 5xx (this answer leaves the filter chain, where that handler never sees it). The
 * line names the route's path template, never the request's own path or query: those are
 * the caller's.
 */
final class LateRequests {

	static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

	/** Endpoints are few; the bound guards against methods that would vary. */
	private static final int MAX_KINDS = 16;

	private static final Logger log = LoggerFactory.getLogger(LateRequests.class);

	private final String deadline;

	private final Clock clock;

	private final Map<String, OncePerInterval> kinds = new ConcurrentHashMap<>();

	private final OncePerInterval otherKinds;

	/**
	 * @param deadline the request deadline, as the line names it
	 * @param clock the time the interval is measured on
	 */
	LateRequests(Duration deadline, Clock clock) {
		this.deadline = asSet(deadline);
		this.clock = clock;
		this.otherKinds = OncePerInterval.of(LOG_INTERVAL, clock);
	}

	/** Counts one request whose deadline passed, and logs when a report is due. */
	void report(ServerWebExchange exchange) {
		// a deadline that passes during the token check comes before routing
		String endpoint = RoutedEndpoints.of(exchange);
		long count = countOf(endpoint).count();
		if (count > 0) {
			log.warn("{} answered 503: PROFILE_REQUEST_DEADLINE ({}) passed ({} since the last report)", endpoint,
					this.deadline, count);
		}
	}

	/** As the setting is usually written: {@code 4s}, or {@code 1500ms}. */
	private static String asSet(Duration deadline) {
		long millis = deadline.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	private OncePerInterval countOf(String endpoint) {
		OncePerInterval known = this.kinds.get(endpoint);
		if (known != null) {
			return known;
		}
		return (this.kinds.size() < MAX_KINDS)
				? this.kinds.computeIfAbsent(endpoint, (k) -> OncePerInterval.of(LOG_INTERVAL, this.clock))
				: this.otherKinds;
	}

}
