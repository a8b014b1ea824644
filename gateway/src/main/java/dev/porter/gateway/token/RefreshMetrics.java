package dev.porter.gateway.token;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * {@code porter.token.refreshes{outcome}}: {@code done} (a call to the IdP that
 * succeeded), {@code coalesced} (a request that shared another's refresh),
 * {@code failed}, {@code deferred} (a request answered without an attempt because its
 * session was backing off after failures), {@code unstored} (a refresh whose result the
 * session store would not take: that session's next refresh presents a used refresh
 * token).
 */
@Component
class RefreshMetrics {

	private final Counter done;

	private final Counter coalesced;

	private final Counter failed;

	private final Counter deferred;

	private final Counter unstored;

	RefreshMetrics(MeterRegistry registry) {
		this.done = counter(registry, "done");
		this.coalesced = counter(registry, "coalesced");
		this.failed = counter(registry, "failed");
		this.deferred = counter(registry, "deferred");
		this.unstored = counter(registry, "unstored");
	}

	private static Counter counter(MeterRegistry registry, String outcome) {
		return Counter.builder("porter.token.refreshes")
			.description("Access token refreshes by outcome")
			.tag("outcome", outcome)
			.register(registry);
	}

	void done() {
		this.done.increment();
	}

	void coalesced() {
		this.coalesced.increment();
	}

	void failed() {
		this.failed.increment();
	}

	void deferred() {
		this.deferred.increment();
	}

	void unstored() {
		this.unstored.increment();
	}

}
