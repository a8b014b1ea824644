package dev.porter.profile.directory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class PerUserSequenceTests {

	private final PerUserSequence sequence = new PerUserSequence();

	private final List<String> started = new CopyOnWriteArrayList<>();

	private Mono<String> work(String name, Sinks.One<String> finish) {
		return Mono.defer(() -> {
			this.started.add(name);
			return finish.asMono();
		});
	}

	@Test
	void runWhenSameUserBusyThenNextStartsOnlyAfterItFinishes() {
		Sinks.One<String> first = Sinks.one();
		Sinks.One<String> second = Sinks.one();
		Disposable running = this.sequence.run("alice", work("first", first)).subscribe();

		StepVerifier.create(this.sequence.run("alice", work("second", second)))
			.then(() -> assertThat(this.started).containsExactly("first"))
			.then(() -> first.tryEmitValue("done"))
			.then(() -> assertThat(this.started).containsExactly("first", "second"))
			.then(() -> second.tryEmitValue("2"))
			.expectNext("2")
			.verifyComplete();
		running.dispose();
	}

	@Test
	void runWhenOtherUserBusyThenStartsAtOnce() {
		Sinks.One<String> alice = Sinks.one();
		Disposable running = this.sequence.run("alice", work("alice", alice)).subscribe();

		StepVerifier.create(this.sequence.run("bob", Mono.just("bob"))).expectNext("bob").verifyComplete();
		running.dispose();
	}

	@Test
	void runWhenPreviousFailedThenNextStillRuns() {
		StepVerifier.create(this.sequence.run("alice", Mono.error(new IllegalStateException("boom"))))
			.verifyError(IllegalStateException.class);

		StepVerifier.create(this.sequence.run("alice", Mono.just("next"))).expectNext("next").verifyComplete();
	}

	// A change whose caller went away was still sent, and the next change of hers ran
	// beside it: checked against what she had before it.
	@Test
	void runWhenRunningWorkCancelledThenItRunsToItsEndAndTheNextWaitsForIt() {
		Sinks.One<String> first = Sinks.one();
		Disposable running = this.sequence.run("alice", work("first", first)).subscribe();
		running.dispose();

		StepVerifier.create(this.sequence.run("alice", work("second", Sinks.one())))
			.then(() -> assertThat(this.started).containsExactly("first"))
			.then(() -> assertThat(first.currentSubscriberCount()).as("the first, still running").isOne())
			.then(() -> first.tryEmitValue("done"))
			.then(() -> assertThat(this.started).containsExactly("first", "second"))
			.thenCancel()
			.verify();
	}

	@Test
	void runWhenWaiterCancelledThenItsSuccessorStillWaitsForTheRunningOne() {
		Sinks.One<String> first = Sinks.one();
		Disposable running = this.sequence.run("alice", work("first", first)).subscribe();
		Disposable cancelled = this.sequence.run("alice", work("cancelled", Sinks.one())).subscribe();
		cancelled.dispose();

		StepVerifier.create(this.sequence.run("alice", work("third", Sinks.one())))
			.then(() -> assertThat(this.started).containsExactly("first"))
			.then(() -> first.tryEmitValue("done"))
			.then(() -> assertThat(this.started).containsExactly("first", "third"))
			.thenCancel()
			.verify();
		running.dispose();
	}

}
