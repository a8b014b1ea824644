package dev.porter.gateway.routing;

import java.time.Clock;
import java.time.Duration;

import dev.porter.common.OncePerInterval;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatusCode;

/**
 * The relay's failed calls, logged at most once per {@link #INTERVAL} per kind, with a
 * count: with one upstream instance of several down, a share of the calls fails for as
 * long as it stays down, below the breaker's threshold, and a line per failed request
 * would fill the log. The {@value RelayTimers#NAME} timer counts every call. The types
 * only: messages can quote the upstream.
 */
final class RelayFailureLog {

	static final Duration INTERVAL = Duration.ofMinutes(1);

	private static final Logger log = LoggerFactory.getLogger(CircuitBreakerFilter.class);

	private final String upstream;

	private final OncePerInterval failed;

	private final OncePerInterval bodyLost;

	private final OncePerInterval answeredInFront;

	RelayFailureLog(String upstream, Clock clock) {
		this.upstream = upstream;
		this.failed = OncePerInterval.of(INTERVAL, clock);
		this.bodyLost = OncePerInterval.of(INTERVAL, clock);
		this.answeredInFront = OncePerInterval.of(INTERVAL, clock);
	}

	/** A call that got no answer: a connection error, a timeout. */
	void failed(Throwable error) {
		report(this.failed, "failed", error.getClass().getSimpleName());
	}

	/** An answer whose body failed before the browser had any of it. */
	void bodyLost(Throwable error) {
		report(this.bodyLost, "lost the answer's body", error.getClass().getSimpleName());
	}

	/** A 502, 503 or 504 from a proxy or balancer in front of the upstream. */
	void answeredInFront(@Nullable HttpStatusCode status) {
		report(this.answeredInFront, "answered by something in front of it", status);
	}

	private void report(OncePerInterval kind, String what, @Nullable Object detail) {
		long count = kind.count();
		if (count > 0) {
			log.warn("relay to {} {}: {} ({} since the last report)", this.upstream, what, detail, count);
		}
	}

}
