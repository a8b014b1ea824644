package dev.porter.profile.upstream;

import reactor.core.publisher.Mono;

/**
 * How many calls an upstream may be sent: the client-side rate limit of an
 * {@link UpstreamPolicy}, spent once per attempt.
 */
public interface CallBudget {

	/**
	 * Completes when one call may go, after waiting for budget if it comes soon enough;
	 * otherwise fails with Resilience4j's {@code RequestNotPermitted}.
	 */
	Mono<Void> spend();

	/**
	 * Completes when one call may go at once; otherwise fails with
	 * {@code RequestNotPermitted}, taking no place in the wait: for a call nobody waits
	 * for ({@link BackgroundCall}).
	 */
	Mono<Void> spendNow();

}
