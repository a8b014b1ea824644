package dev.porter.gateway.support;

import java.time.Duration;
import java.time.Instant;

import org.springframework.test.web.reactive.server.WebTestClient;

/** A gateway's {@code /readyz}, polled as an orchestrator would, up to a deadline. */
public final class Readiness {

	private Readiness() {
	}

	/** Whether {@code /readyz} answered 200 within {@code limit}. */
	public static boolean readyWithin(WebTestClient gateway, Duration limit) throws InterruptedException {
		Instant deadline = Instant.now().plus(limit);
		while (Instant.now().isBefore(deadline)) {
			if (gateway.get().uri("/readyz").exchange().returnResult(Void.class).getStatus().value() == 200) {
				return true;
			}
			Thread.sleep(100); // polling a starting or recovering process, bounded
		}
		return false;
	}

}
