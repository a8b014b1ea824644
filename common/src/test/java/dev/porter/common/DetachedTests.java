package dev.porter.common;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Work run to its end for a subscriber that may leave before it ends, and a resource
 * opened for one that may leave before it is ready.
 */
@ExtendWith(OutputCaptureExtension.class)
class DetachedTests {

	private final CompletableFuture<String> opening = new CompletableFuture<>();

	private final List<String> closed = new CopyOnWriteArrayList<>();

	private final Mono<String> resource = Detached.open(Mono.fromFuture(this.opening, true),
			(opened) -> Mono.fromRunnable(() -> this.closed.add(opened)));

	@Test
	void runWhenTheSubscriberLeavesThenTheWorkRunsToItsEnd() {
		CompletableFuture<String> work = new CompletableFuture<>();
		List<String> done = new CopyOnWriteArrayList<>();

		StepVerifier.create(Detached.run(Mono.fromFuture(work, true).doOnNext(done::add)))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		work.complete("stored");

		assertThat(done).containsExactly("stored");
	}

	@Test
	void runWhenTheWorkFailsAfterTheSubscriberLeftThenTheFailureReachesNobody(CapturedOutput output) {
		CompletableFuture<String> work = new CompletableFuture<>();

		StepVerifier.create(Detached.run(Mono.fromFuture(work, true))).thenCancel().verify(Duration.ofSeconds(5));
		work.completeExceptionally(new IllegalStateException("refused"));

		assertThat(output.getAll()).doesNotContain("onErrorDropped").doesNotContain("refused");
	}

	@Test
	void runWhenTheWorkFailsWhileTheSubscriberWaitsThenItGetsTheFailure() {
		StepVerifier.create(Detached.run(Mono.error(new IllegalStateException("refused"))))
			.expectErrorMessage("refused")
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void openWhenTheSubscriberLeftBeforeTheResourceCameThenItIsClosed() {
		StepVerifier.create(this.resource.timeout(Duration.ofMillis(1))).expectError().verify(Duration.ofSeconds(5));
		this.opening.complete("connection");

		assertThat(this.closed).containsExactly("connection");
	}

	@Test
	void openWhenTheSubscriberGotTheResourceThenItIsTheSubscribersToClose() {
		this.opening.complete("connection");

		StepVerifier.create(this.resource).expectNext("connection").verifyComplete();
		assertThat(this.closed).isEmpty();
	}

	@Test
	void openWhenItFailsAfterTheSubscriberLeftThenTheFailureReachesNobody(CapturedOutput output) {
		StepVerifier.create(this.resource.timeout(Duration.ofMillis(1))).expectError().verify(Duration.ofSeconds(5));
		this.opening.completeExceptionally(new IllegalStateException("refused"));

		assertThat(this.closed).isEmpty();
		assertThat(output.getAll()).doesNotContain("onErrorDropped").doesNotContain("refused");
	}

}
