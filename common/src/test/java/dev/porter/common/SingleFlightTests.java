package dev.porter.common;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class SingleFlightTests {

	private final AtomicInteger joins = new AtomicInteger();

	private final SingleFlight<String, String> flights = new SingleFlight<>(this.joins::incrementAndGet);

	private final AtomicInteger calls = new AtomicInteger();

	@Test
	void callersArrivingWhileACallRunsJoinItAndGetItsResult() {
		Sinks.One<String> idp = Sinks.one();
		Mono<String> first = this.flights.join("session-1", () -> counted(idp.asMono()));
		Mono<String> second = this.flights.join("session-1", () -> counted(Mono.just("never called")));

		idp.tryEmitValue("fresh-token");

		StepVerifier.create(first).expectNext("fresh-token").verifyComplete();
		StepVerifier.create(second).expectNext("fresh-token").verifyComplete();
		assertThat(this.calls).hasValue(1);
		assertThat(this.joins).hasValue(1);
	}

	@Test
	void differentKeysDoNotShareACall() {
		Sinks.One<String> one = Sinks.one();
		Sinks.One<String> two = Sinks.one();
		Mono<String> first = this.flights.join("session-1", () -> counted(one.asMono()));
		Mono<String> second = this.flights.join("session-2", () -> counted(two.asMono()));

		one.tryEmitValue("a");
		two.tryEmitValue("b");

		StepVerifier.create(first).expectNext("a").verifyComplete();
		StepVerifier.create(second).expectNext("b").verifyComplete();
		assertThat(this.calls).hasValue(2);
		assertThat(this.joins).hasValue(0);
	}

	@Test
	void aCallerRetryingAsSoonAsTheCallFailsStartsANewCall() {
		Sinks.One<String> failing = Sinks.one();
		AtomicReference<Mono<String>> retry = new AtomicReference<>();
		Mono<String> first = this.flights.join("session-1", () -> counted(failing.asMono())).onErrorResume((ex) -> {
			// Asked again from inside the failure signal, before anything else runs.
			Mono<String> again = this.flights.join("session-1", () -> counted(Mono.just("second try")));
			retry.set(again);
			return again;
		});
		StepVerifier.create(first)
			.then(() -> failing.tryEmitError(new IllegalStateException("idp down")))
			.expectNext("second try")
			.verifyComplete();
		assertThat(this.calls).hasValue(2);
		assertThat(this.joins).hasValue(0);
	}

	@Test
	void aCallRunsToItsEndWhenEveryCallerCancels() {
		Sinks.One<String> idp = Sinks.one();
		AtomicInteger stored = new AtomicInteger();
		Disposable caller = this.flights
			.join("session-1", () -> counted(idp.asMono().doOnNext((token) -> stored.incrementAndGet())))
			.subscribe();

		caller.dispose();
		idp.tryEmitValue("fresh-token");

		assertThat(stored).as("the result was stored although the only caller had gone").hasValue(1);
		assertThat(idp.currentSubscriberCount()).isZero();
	}

	// An instance shutting down waits for its refreshes: the IdP has rotated the refresh
	// token by the time it answers, and a refresh whose result is never stored ends the
	// session at the next one.
	@Test
	void callsEndedWhenCallsAreInFlightThenCompletesOnceEachHasEndedHoweverItEnded() {
		Sinks.One<String> one = Sinks.one();
		Sinks.One<String> two = Sinks.one();
		this.flights.join("session-1", () -> counted(one.asMono())).subscribe((value) -> {
		}, (ex) -> {
		});
		this.flights.join("session-2", () -> counted(two.asMono())).subscribe((value) -> {
		}, (ex) -> {
		});

		StepVerifier.create(this.flights.callsEnded())
			.expectSubscription()
			.then(() -> one.tryEmitValue("fresh-token"))
			.expectNoEvent(Duration.ofMillis(50))
			.then(() -> two.tryEmitError(new IllegalStateException("idp down")))
			.verifyComplete();
	}

	@Test
	void callsEndedWhenNothingIsInFlightThenCompletesAtOnce() {
		StepVerifier.create(this.flights.callsEnded()).verifyComplete();
	}

	@Test
	void nothingIsRememberedOnceTheCallHasEnded() {
		StepVerifier.create(this.flights.join("k", () -> counted(Mono.just("one")))).expectNext("one").verifyComplete();
		assertThat(this.flights.isInFlight("k")).isFalse();

		StepVerifier.create(this.flights.join("k", () -> counted(Mono.just("two")))).expectNext("two").verifyComplete();
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void anEmptyCallEndsEveryCallerEmptyAndReleasesTheKey() {
		Sinks.One<String> empty = Sinks.one();
		Mono<String> first = this.flights.join("k", () -> counted(empty.asMono()));
		Mono<String> second = this.flights.join("k", () -> counted(Mono.just("unused")));
		assertThat(this.flights.isInFlight("k")).isTrue();

		empty.tryEmitEmpty();

		StepVerifier.create(first).verifyComplete();
		StepVerifier.create(second).verifyComplete();
		assertThat(this.flights.isInFlight("k")).isFalse();
	}

	@Test
	void aCallThatCannotEvenStartFailsItsCallerAndReleasesTheKey() {
		Mono<String> broken = this.flights.join("k", () -> {
			throw new IllegalArgumentException("no refresh token");
		});

		StepVerifier.create(broken).expectError(IllegalArgumentException.class).verify(Duration.ofSeconds(1));
		assertThat(this.flights.isInFlight("k")).isFalse();
	}

	private Mono<String> counted(Mono<String> call) {
		this.calls.incrementAndGet();
		return call;
	}

}
