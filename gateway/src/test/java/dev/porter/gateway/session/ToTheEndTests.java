package dev.porter.gateway.session;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A step run to its end whoever stops waiting: its caller may leave, the step goes on,
 * and shutting down waits for it.
 */
class ToTheEndTests {

	private final ToTheEnd toTheEnd = new ToTheEnd();

	private final Sinks.Empty<Void> held = Sinks.empty();

	@Test
	void whoeverStopsWaitingWhenTheCallerLeavesThenTheStepRunsToItsEnd() {
		AtomicBoolean revoked = new AtomicBoolean();

		StepVerifier
			.create(this.toTheEnd
				.whoeverStopsWaiting(this.held.asMono().then(Mono.fromRunnable(() -> revoked.set(true)))))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		this.held.tryEmitEmpty();

		assertThat(revoked).isTrue();
	}

	@Test
	void stepsEndedWhenAStepWhoseCallerLeftIsStillRunningThenCompletesOnceItHasEnded() {
		StepVerifier.create(this.toTheEnd.whoeverStopsWaiting(this.held.asMono()))
			.thenCancel()
			.verify(Duration.ofSeconds(5));

		CompletableFuture<Void> ended = this.toTheEnd.stepsEnded().toFuture();

		assertThat(ended).as("still running").isNotDone();
		this.held.tryEmitEmpty();
		assertThat(ended).isCompleted();
	}

	@Test
	void stepsEndedWhenAStepFailedThenCompletesAllTheSame() {
		StepVerifier.create(this.toTheEnd.whoeverStopsWaiting(this.held.asMono()))
			.then(() -> this.held.tryEmitError(new IllegalStateException("store down")))
			.expectError(IllegalStateException.class)
			.verify(Duration.ofSeconds(5));

		assertThat(this.toTheEnd.stepsEnded().toFuture()).isCompleted();
	}

	@Test
	void stepsEndedWhenNoneIsRunningThenCompletesAtOnce() {
		assertThat(this.toTheEnd.stepsEnded().toFuture()).isCompleted();
	}

}
