package dev.porter.gateway.routing;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * A fixed-window request budget per user, kept in memory (per process) or in Redis
 * (shared by the instances).
 */
public interface UserRateLimiter {

	Mono<Decision> consume(String user);

	/**
	 * @param allowed whether the request may go on
	 * @param retryAfter when a rejected caller may try again (the end of the window)
	 */
	record Decision(boolean allowed, Duration retryAfter) {

		static Decision allow() {
			return new Decision(true, Duration.ZERO);
		}

	}

}
