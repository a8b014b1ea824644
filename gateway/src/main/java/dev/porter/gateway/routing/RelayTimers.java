package dev.porter.gateway.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatusCode;

/**
 * The {@code porter.relay} latency of one upstream, tagged with the call's outcome: the
 * upstream's status code, {@code error} when no answer came, {@code rejected} when the
 * open circuit kept the call from going out.
 */
final class RelayTimers {

	static final String NAME = "porter.relay";

	private final String upstream;

	private final MeterRegistry meters;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	RelayTimers(String upstream, MeterRegistry meters) {
		this.upstream = upstream;
		this.meters = meters;
	}

	void rejected() {
		record("rejected", 0);
	}

	void failed(long nanos) {
		record("error", nanos);
	}

	void answered(@Nullable HttpStatusCode status, long nanos) {
		record((status != null) ? Integer.toString(status.value()) : "unknown", nanos);
	}

	private void record(String outcome, long nanos) {
		// One timer per outcome, looked up rather than re-registered on every request.
		this.timers.computeIfAbsent(outcome, this::timer).record(nanos, TimeUnit.NANOSECONDS);
	}

	private Timer timer(String outcome) {
		return Timer.builder(NAME)
			.description("Latency of requests relayed to an upstream")
			.tag("upstream", this.upstream)
			.tag("outcome", outcome)
			.register(this.meters);
	}

}
