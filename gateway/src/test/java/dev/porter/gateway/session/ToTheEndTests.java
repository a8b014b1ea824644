package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.ProblemDetail;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A step run to its end whoever stops waiting: its caller may leave, the step goes on,
 * and shutting down waits for it; a failure after its caller left reaches nobody, and is
 * logged by its type at most once per interval.
 */
@ExtendWith(OutputCaptureExtension.class)
class ToTheEndTests {

	private static final String REPORT = "a step run on after its caller left failed";

	private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final ToTheEnd toTheEnd = new ToTheEnd(this.clock);

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
	void whoeverStopsWaitingWhenTheStepFailsAfterTheCallerLeftThenItsTypeIsLoggedWithoutErrorOrMessage(
			CapturedOutput output) {
		leaveThenFail(new QueryTimeoutException("Redis said: secret-bearing answer"));

		assertThat(reports(output)).singleElement().asString().contains("WARN").contains("QueryTimeoutException");
		assertThat(output.getAll()).doesNotContain("secret-bearing")
			.doesNotContain("onErrorDropped")
			.doesNotContain("\tat ");
	}

	@Test
	void whoeverStopsWaitingWhenStepsKeepFailingAfterTheirCallersLeftThenOneLinePerIntervalWithTheCount(
			CapturedOutput output) {
		leaveThenFail(new QueryTimeoutException("Redis command timed out"));
		leaveThenFail(new QueryTimeoutException("Redis command timed out"));
		leaveThenFail(new QueryTimeoutException("Redis command timed out"));
		assertThat(reports(output)).hasSize(1);

		this.clock.advance(ToTheEnd.LOG_INTERVAL);
		leaveThenFail(new QueryTimeoutException("Redis command timed out"));

		assertThat(reports(output)).hasSize(2).last().asString().contains("(3 since the last report)");
	}

	/**
	 * A problem is the answer the step chose for its caller (a forged back-channel logout
	 * token's 400), logged where it was chosen: anyone can have it reach nobody.
	 */
	@Test
	void whoeverStopsWaitingWhenTheStepAnswersAProblemAfterTheCallerLeftThenNothingMoreIsLogged(CapturedOutput output) {
		leaveThenFail(new ProblemException(ProblemDetail.forStatus(400), null));

		assertThat(reports(output)).isEmpty();
		assertThat(output.getAll()).doesNotContain("onErrorDropped");
	}

	@Test
	void whoeverStopsWaitingWhenTheStepFailsWhileTheCallerWaitsThenTheCallerGetsItAndNothingIsLogged(
			CapturedOutput output) {
		StepVerifier.create(this.toTheEnd.whoeverStopsWaiting(this.held.asMono()))
			.then(() -> this.held.tryEmitError(new QueryTimeoutException("Redis command timed out")))
			.expectError(QueryTimeoutException.class)
			.verify(Duration.ofSeconds(5));

		assertThat(reports(output)).isEmpty();
	}

	@Test
	void stepsEndedWhenNoneIsRunningThenCompletesAtOnce() {
		assertThat(this.toTheEnd.stepsEnded().toFuture()).isCompleted();
	}

	private void leaveThenFail(Throwable failure) {
		Sinks.Empty<Void> step = Sinks.empty();
		StepVerifier.create(this.toTheEnd.whoeverStopsWaiting(step.asMono()))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		step.tryEmitError(failure);
	}

	private static List<String> reports(CapturedOutput output) {
		return output.getAll().lines().filter((line) -> line.contains(REPORT)).toList();
	}

}
