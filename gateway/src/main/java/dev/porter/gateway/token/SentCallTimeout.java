package dev.porter.gateway.token;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * Bounds a call to the IdP from the moment it is sent, not from the moment it was asked
 * for: a call that first waited for one of the IdP client's pooled connections (all busy
 * with other IdP calls) or for a new one to open still has its whole answer time once the
 * IdP has it. A call not sent within its send bound is never sent: it fails, and the IdP
 * saw nothing. So the gateway never gives up on a call the IdP may be answering because
 * of a wait of its own, which for a refresh would lose the refresh token the IdP rotated.
 * <p>
 * A call is sent when the IdP client's {@link #markingTheSend() filter} is handed the
 * outgoing request, its connection open; the call and the filter share the call's state
 * through the Reactor context. Apply with {@code transformDeferred}, so that each
 * subscription has its own.
 */
final class SentCallTimeout {

	private static final Object KEY = SentCallTimeout.class;

	private SentCallTimeout() {
	}

	/**
	 * Fails the call with {@link NotSent} when it was not sent within {@code sendWithin},
	 * and with a {@link TimeoutException} when it was sent and not answered within
	 * {@code answerWithin} of that: it takes at most their sum.
	 */
	static <T> Function<Mono<T>, Mono<T>> of(Duration sendWithin, Duration answerWithin) {
		return (call) -> {
			Send send = new Send();
			return call
				.timeout(send.deadline(sendWithin, answerWithin),
						Mono.error(() -> send.isAbandoned() ? new NotSent("not sent within " + sendWithin)
								: new TimeoutException("no answer within " + answerWithin)))
				.contextWrite(Context.of(KEY, send));
		};
	}

	/** The IdP client's filter that marks the moment its request is sent. */
	static ExchangeFilterFunction markingTheSend() {
		return (request, next) -> Mono.deferContextual((context) -> next
			.exchange(ClientRequest.from(request).httpRequest((http) -> markSent(context)).build()));
	}

	/**
	 * Marks the call of {@code context} as sent, for a client that sends without the
	 * {@link #markingTheSend() filter}.
	 * @throws NotSent when the call was given up before: nothing may be sent then
	 */
	static void markSent(ContextView context) {
		context.<Send>getOrEmpty(KEY).ifPresent(Send::sent);
	}

	/** The state of one call: waiting to be sent, sent, or given up before it was. */
	private static final class Send {

		private final AtomicReference<State> state = new AtomicReference<>(State.WAITING);

		private final Sinks.Empty<Void> sent = Sinks.empty();

		/**
		 * Sent now, unless given up before; the one decision between this and
		 * {@link #abandon()}, so that a request given up is never sent.
		 */
		void sent() {
			if (this.state.compareAndSet(State.WAITING, State.SENT)) {
				this.sent.tryEmitEmpty();
			}
			else if (isAbandoned()) {
				throw new NotSent("given up before it was sent");
			}
		}

		boolean abandon() {
			return this.state.compareAndSet(State.WAITING, State.ABANDONED);
		}

		boolean isAbandoned() {
			return this.state.get() == State.ABANDONED;
		}

		/**
		 * Signals when the call is over time: unsent at {@code sendWithin}, or unanswered
		 * {@code answerWithin} after it was sent.
		 */
		Mono<Long> deadline(Duration sendWithin, Duration answerWithin) {
			Mono<Long> unsent = Mono.delay(sendWithin).flatMap((tick) -> abandon() ? Mono.just(tick) : Mono.never());
			Mono<Long> unanswered = this.sent.asMono().then(Mono.delay(answerWithin));
			return Mono.firstWithSignal(unsent, unanswered);
		}

		private enum State {

			WAITING, SENT, ABANDONED

		}

	}

	/** The call was not sent within its bound, and never will be: the IdP saw nothing. */
	static final class NotSent extends RuntimeException {

		NotSent(String message) {
			super(message, null, false, false);
		}

	}

}
