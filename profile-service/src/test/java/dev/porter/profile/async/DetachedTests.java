package dev.porter.profile.async;

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

/** A resource opened for a subscriber that may leave before it is ready. */
@ExtendWith(OutputCaptureExtension.class)
class DetachedTests {

	private final CompletableFuture<String> opening = new CompletableFuture<>();

	private final List<String> closed = new CopyOnWriteArrayList<>();

	private final Mono<String> resource = Detached.open(Mono.fromFuture(this.opening, true),
			(opened) -> Mono.fromRunnable(() -> this.closed.add(opened)));

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
