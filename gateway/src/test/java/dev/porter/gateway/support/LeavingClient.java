package dev.porter.gateway.support;

import java.time.Duration;

import dev.porter.testsupport.Eventually;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.Disposable;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * A client that sends a request and then stops waiting for the answer, closing its
 * connection, as a user who closes the tab: {@link #leave} returns once the gateway has
 * seen it go (Spring times a request its client left with the status {@code UNKNOWN}).
 * Send the request on a connection of its own ({@link TestClients#connector()}), which
 * leaving closes.
 */
public final class LeavingClient {

	private static final Duration SEEN_WITHIN = Duration.ofSeconds(10);

	private final MeterRegistry meters;

	private final long leftBefore;

	private final Disposable request;

	private LeavingClient(MeterRegistry meters, WebClient.RequestHeadersSpec<?> request) {
		this.meters = meters;
		this.leftBefore = left(meters);
		this.request = request.exchangeToMono((response) -> response.releaseBody()).subscribe(null, (ignored) -> {
		});
	}

	/** Sends {@code request}, whose answer the client will not wait for. */
	public static LeavingClient send(MeterRegistry meters, WebClient.RequestHeadersSpec<?> request) {
		return new LeavingClient(meters, request);
	}

	/** Stops waiting and closes the connection; returns once the gateway has seen it. */
	public void leave() {
		this.request.dispose();
		Eventually.await("the gateway seeing the client leave", SEEN_WITHIN, () -> left(this.meters) > this.leftBefore);
	}

	/** Every request the gateway saw its client leave before the answer. */
	private static long left(MeterRegistry meters) {
		return meters.find("http.server.requests")
			.tag("status", "UNKNOWN")
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

}
