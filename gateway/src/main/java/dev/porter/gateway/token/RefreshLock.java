package dev.porter.gateway.token;

import java.util.function.Supplier;

import reactor.core.publisher.Mono;

/**
 * Makes one refresh per session happen at a time across gateway instances. Within one
 * instance {@link TokenRefresher} already shares a refresh between requests; this guards
 * the cluster, where two instances presenting the same rotating refresh token would make
 * the IdP revoke the whole token family.
 */
interface RefreshLock {

	/**
	 * Runs {@code refresh} while holding the session's lock. When another instance holds
	 * it, waits for that instance to finish and then runs {@code refresh} under the lock
	 * as well — which re-reads the session first and so finds the other instance's fresh
	 * token instead of refreshing again.
	 */
	<T> Mono<T> whileHolding(String sessionId, Supplier<Mono<T>> refresh);

	/** One process: the in-process single flight is all the locking needed. */
	RefreshLock LOCAL = new RefreshLock() {

		@Override
		public <T> Mono<T> whileHolding(String sessionId, Supplier<Mono<T>> refresh) {
			return Mono.defer(refresh);
		}

	};

}
