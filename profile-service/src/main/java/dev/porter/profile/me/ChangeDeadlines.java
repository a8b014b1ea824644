package dev.porter.profile.me;

import java.time.Clock;
import java.time.Duration;

import reactor.core.publisher.Mono;

import dev.porter.profile.problem.CallerRateLimitedException;
import dev.porter.profile.problem.RequestDeadlinePassedException;
import dev.porter.profile.upstream.BeforeFirstAttempt;
import dev.porter.profile.upstream.UpstreamPolicy;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Whether a metadata change still has time enough to be sent. No change is sent with less
 * of the request's time left than its first attempt may take: sent, its first attempt
 * could be applied after the request deadline had told her it failed
 * ({@link RequestDeadline}). (Not the Management API's whole deadline, retries included:
 * with the shipped settings that left half a second for the reads, and an uncached read
 * on a slow day refused ordinary changes. A retry cut short by the request deadline is
 * answered as "may still be applied", which it is.) A change is refused at the first step
 * after which too little is left, and the answer names that step: a read (her
 * {@code /userinfo}, her current user) is an upstream's slowness, 503; the wait for her
 * change before is her own concurrency, 429; the waits for the directory's token and call
 * budget, checked when the first attempt is about to go (the attempt's time limit starts
 * only after them), the directory's, 503. Nothing was changed either way.
 */
@Component
class ChangeDeadlines {

	/**
	 * When a change that waited for her change before it may be sent again: that one has
	 * ended once this one is refused.
	 */
	private static final Duration RETRY_AFTER_OWN_CHANGE = Duration.ofSeconds(1);

	/**
	 * The least of the request's time a change is sent with: its first attempt's timeout,
	 * so that the first attempt has ended, answered or timed out, before the request
	 * deadline answers. Checked after each step before the change, and once more when its
	 * first attempt is about to go ({@link BeforeFirstAttempt}).
	 */
	private final Duration firstAttempt;

	private final Clock clock;

	ChangeDeadlines(@Qualifier("management") UpstreamPolicy management, Clock clock) {
		// an attempt set longer than the whole deadline is cut by it
		this.firstAttempt = (management.attemptTimeout().compareTo(management.deadline()) < 0)
				? management.attemptTimeout() : management.deadline();
		this.clock = clock;
	}

	/**
	 * Completes when a change sent now has its first attempt end before the request's
	 * deadline; fails with a 503 otherwise: the reads before it were slow.
	 */
	Mono<Void> timeLeftAfterReads() {
		return RequestEnd.leaves(this.firstAttempt, this.clock, RequestDeadlinePassedException::beforeChangeSent);
	}

	/**
	 * As {@link #timeLeftAfterReads}, when a change's turn comes: fails with a 429, the
	 * time went waiting for her own change before.
	 */
	Mono<Void> timeLeftAfterWaiting() {
		return RequestEnd.leaves(this.firstAttempt, this.clock,
				() -> CallerRateLimitedException.ownChangeBeforeTooSlow(RETRY_AFTER_OWN_CHANGE));
	}

	/**
	 * As {@link #timeLeftAfterReads}, when the change's first attempt is about to go
	 * ({@link BeforeFirstAttempt}): fails with a 503, the time went waiting for the
	 * directory (its token, its call budget).
	 */
	Mono<Void> timeLeftAfterWaitingToSend() {
		return RequestEnd.leaves(this.firstAttempt, this.clock,
				RequestDeadlinePassedException::beforeChangeSentAfterWaiting);
	}

}
