package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.support.FilterHarness;
import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

import static org.assertj.core.api.Assertions.assertThat;

class LastSeenWebFilterTests {

	private static final Instant LOGIN = Instant.parse("2026-12-01T12:00:00Z");

	private final MovableClock clock = new MovableClock(LOGIN);

	private final CountingDirectory directory = new CountingDirectory(
			new InMemorySessionDirectory(SessionDirectoryContract.RETENTION, 10_000, 100, this.clock));

	private final LastSeenWebFilter filter = new LastSeenWebFilter(this.directory, SessionDirectoryContract.RETENTION,
			this.clock);

	@Test
	void filterWhenManyRequestsWithinAMinuteThenOneWriteWithTheFirstTime() {
		WebSession session = signedInSession();

		for (int i = 0; i < 10; i++) {
			this.clock.advance(Duration.ofSeconds(5));
			run(session);
		}

		assertThat(this.directory.writes).isEqualTo(1);
		assertThat(lastSeen()).isEqualTo(LOGIN.plusSeconds(5));
	}

	@Test
	void filterWhenTouchIntervalPassedThenWritesAgain() {
		WebSession session = signedInSession();
		run(session);

		this.clock.advance(Duration.ofMinutes(1));
		run(session);

		assertThat(this.directory.writes).isEqualTo(2);
		assertThat(lastSeen()).isEqualTo(LOGIN.plus(Duration.ofMinutes(1)));
	}

	@Test
	void filterWhenSessionNotSignedInThenNoWrite() {
		WebSession anonymous = new InMemoryWebSessionStore().createWebSession().block();
		anonymous.start();

		run(anonymous);

		assertThat(this.directory.writes).isZero();
	}

	@Test
	void filterWhenDirectoryFailsThenRequestGoesOn() {
		LastSeenWebFilter failing = new LastSeenWebFilter(new CountingDirectory(this.directory) {
			@Override
			public Mono<Void> seen(SessionKey key, Instant at) {
				return Mono.error(new IllegalStateException("store down"));
			}
		}, SessionDirectoryContract.RETENTION, this.clock);
		MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.session(signedInSession())
			.build();

		FilterHarness.Recording chain = FilterHarness.recording();

		StepVerifier.create(failing.filter(exchange, chain)).verifyComplete();

		assertThat(chain.exchange()).isSameAs(exchange);
	}

	private Instant lastSeen() {
		return this.directory.entriesOf("auth0|alice").blockFirst().lastSeenAt();
	}

	private void run(WebSession session) {
		MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.session(session)
			.build();
		FilterHarness.Recording chain = FilterHarness.recording();
		StepVerifier.create(this.filter.filter(exchange, chain)).verifyComplete();
		assertThat(chain.wasCalled()).isTrue();
	}

	private WebSession signedInSession() {
		WebSession session = new InMemoryWebSessionStore().createWebSession().block();
		session.getAttributes().put(SessionAttributes.AUTHENTICATED_AT, LOGIN.toEpochMilli());
		session.start();
		this.directory
			.record(new DirectoryEntry(SessionKey.of(session.getId()), null, "auth0|alice", LOGIN, LOGIN, "Laptop/1.0"))
			.block();
		return session;
	}

	/** Counts the writes of last use it passes on. */
	private static class CountingDirectory implements SessionDirectory {

		private final SessionDirectory delegate;

		int writes;

		CountingDirectory(SessionDirectory delegate) {
			this.delegate = delegate;
		}

		@Override
		public Mono<Void> record(DirectoryEntry entry) {
			return this.delegate.record(entry);
		}

		@Override
		public Flux<DirectoryEntry> entriesOf(String sub) {
			return this.delegate.entriesOf(sub);
		}

		@Override
		public Mono<Void> seen(SessionKey key, Instant at) {
			this.writes++;
			return this.delegate.seen(key, at);
		}

		@Override
		public Mono<Void> forget(SessionKey key, String sub) {
			return this.delegate.forget(key, sub);
		}

	}

}
