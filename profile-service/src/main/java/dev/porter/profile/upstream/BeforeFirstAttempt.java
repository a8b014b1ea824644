package dev.porter.profile.upstream;

import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * What the caller of a change checks when the change's first attempt is about to be sent:
 * after the waits before it (the directory's token, the call budget), which the caller's
 * own checks before the call cannot count. Put in the change's Reactor context
 * ({@link #into}), it is subscribed by {@link UpstreamPolicy#decorateChange} right before
 * that attempt; should it fail, the attempt is not sent and the change fails with its
 * failure.
 */
public final class BeforeFirstAttempt {

	private final Mono<Void> check;

	private BeforeFirstAttempt(Mono<Void> check) {
		this.check = check;
	}

	/** {@code context} carrying {@code check}, for the change's {@code contextWrite}. */
	public static Context into(Context context, Mono<Void> check) {
		return context.put(BeforeFirstAttempt.class, new BeforeFirstAttempt(check));
	}

	/**
	 * The check of the subscriber's context, its failure wrapped as {@link Refused};
	 * empty when there is none.
	 */
	static Mono<Void> check() {
		return Mono.deferContextual((context) -> context.<BeforeFirstAttempt>getOrEmpty(BeforeFirstAttempt.class)
			.map((before) -> before.check.onErrorMap(Refused::new))
			.orElse(Mono.empty()));
	}

	/**
	 * The check failed and the attempt was not sent: neither the upstream's failure nor a
	 * reason to retry. Its cause is what the caller gets.
	 */
	static final class Refused extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Refused(Throwable cause) {
			super("not sent: " + cause.getMessage(), cause, false, false);
		}

	}

}
