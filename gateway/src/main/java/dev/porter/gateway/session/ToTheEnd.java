package dev.porter.gateway.session;

import reactor.core.publisher.Mono;

/**
 * Runs a step that must not stop half-way, whoever stops waiting for it. A client that
 * closes its connection (a tab closed, an IdP that gave up on its back-channel logout)
 * cancels its request's chain wherever it is: a session ending cut there leaves the
 * session removed and its refresh token, whose only copy the removal took, unrevoked, or
 * the sessions not begun yet signed in; a login cut once its session is stored leaves the
 * session unknown to back-channel logout and to {@code /bff/sessions}. The step runs on
 * its own subscription, with the caller's context, and a caller that cancels only stops
 * waiting for its outcome. Every such step is bounded by the timeouts of the calls it
 * makes (the store's, the IdP's).
 */
public final class ToTheEnd {

	private ToTheEnd() {
	}

	/** {@code step}, run to its end once subscribed, whoever stops waiting for it. */
	public static <T> Mono<T> whoeverStopsWaiting(Mono<T> step) {
		return Mono.deferContextual((context) -> Mono.fromFuture(step.contextWrite(context).toFuture(), true));
	}

}
