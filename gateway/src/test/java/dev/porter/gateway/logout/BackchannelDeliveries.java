package dev.porter.gateway.logout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.porter.testsupport.Eventually;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Back-channel logout tokens delivered to a gateway whose timers run on virtual time, as
 * the IdP delivers them: a token naming a key the gateway lacks waits for the next fetch
 * of the IdP's keys, which only moving the timers on brings.
 */
final class BackchannelDeliveries {

	/** Longer than any wait for a fetch of the IdP's keys. */
	static final Duration PAST_ANY_WAIT = Duration.ofMinutes(1);

	private final int port;

	private final VirtualTimeScheduler timers;

	private final MeterRegistry meters;

	BackchannelDeliveries(int port, VirtualTimeScheduler timers, MeterRegistry meters) {
		this.port = port;
		this.timers = timers;
		this.meters = meters;
	}

	/**
	 * Posts {@code logoutToken} as the IdP does, moving the gateway's timers on until it
	 * is answered; the answer's status.
	 */
	int post(String logoutToken) throws Exception {
		CompletableFuture<Integer> status = send(logoutToken).toFuture();
		Eventually.await("the back-channel logout answered", Duration.ofSeconds(10), () -> {
			this.timers.advanceTimeBy(PAST_ANY_WAIT);
			return status.isDone();
		});
		return status.get();
	}

	/**
	 * Posts {@code logoutToken} as the IdP does, once subscribed; the answer's status.
	 */
	Mono<Integer> send(String logoutToken) {
		return WebClient.create("http://localhost:" + this.port)
			.post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token", logoutToken))
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()));
	}

	/** The deliveries the gateway saw the sender give up on before it answered. */
	long abandoned() {
		Timer timer = this.meters.find("http.server.requests")
			.tags("method", "POST", "uri", "/bff/backchannel-logout", "status", "UNKNOWN")
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

}
