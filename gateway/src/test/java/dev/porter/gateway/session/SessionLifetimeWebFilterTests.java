package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.session.MapSession;
import org.springframework.session.ReactiveMapSessionRepository;
import org.springframework.session.web.server.session.SpringSessionWebSessionStore;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The idle timeout and the absolute lifetime on a {@link MovableClock} that both the
 * filter and the session store read, as in the gateway.
 */
class SessionLifetimeWebFilterTests {

	private static final Duration IDLE = Duration.ofMinutes(20);

	private static final Duration LIFETIME = Duration.ofHours(12);

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T12:00:00Z"));

	private final List<SessionKey> ended = new CopyOnWriteArrayList<>();

	private final SessionLifetimeWebFilter filter = new SessionLifetimeWebFilter(
			new SessionProperties("__Host-porter-session", true, IDLE, LIFETIME, 10_000, 20, ""),
			(key) -> Mono.fromRunnable(() -> this.ended.add(key)), this.clock);

	/**
	 * Spring's default idle time (30 min), which the filter replaces with the gateway's.
	 */
	private final InMemoryWebSessionStore store = new InMemoryWebSessionStore();

	SessionLifetimeWebFilterTests() {
		this.store.setClock(this.clock);
	}

	@Test
	void filterWhenSessionStartedThenIdleTimeoutIsTheGatewaysAndSlidesWithUse() {
		WebSession session = loggedInSession(this.clock.instant());

		run(session);
		assertThat(session.getMaxIdleTime()).isEqualTo(IDLE);
		this.clock.advance(IDLE);
		assertThat(retrieve(session)).as("used again just within the idle timeout").isNotNull();

		this.clock.advance(IDLE.plusMillis(1));
		assertThat(retrieve(session)).as("idle for longer than the idle timeout").isNull();
	}

	@Test
	void filterWhenAbsoluteLifetimeSinceLoginReachedThenEndsSessionHoweverActive() {
		Instant login = this.clock.instant();
		Instant end = login.plus(LIFETIME);
		WebSession session = loggedInSession(login);
		Duration step = IDLE.dividedBy(2);
		while (this.clock.instant().plus(step).isBefore(end)) {
			WebSession used = retrieve(session);
			assertThat(used).as("used every %s, %s after login", step, Duration.between(login, this.clock.instant()))
				.isNotNull();
			run(used);
			this.clock.advance(step);
		}
		this.clock.moveTo(end.minusMillis(1));
		run(retrieve(session));
		assertThat(session.getAttributes()).containsKey(SessionAttributes.AUTHENTICATED_AT);
		assertThat(this.ended).isEmpty();

		this.clock.moveTo(end);
		run(retrieve(session));

		// Ended as from outside (its refresh token revoked), and the request's copy too.
		assertThat(this.ended).containsExactly(SessionKey.of(session.getId()));
		assertThat(session.getAttributes()).isEmpty();
		assertThat(session.isStarted()).isFalse();
		assertThat(retrieve(session)).isNull();
	}

	/**
	 * With Redis each request holds its own copy of the session (Spring Session's), whose
	 * invalidation deletes the stored session but keeps the copy's attributes: the login
	 * would still be read from them by the security chain, and the request served signed
	 * in past the session's end.
	 */
	@Test
	void filterWhenEachRequestHoldsItsOwnCopyThenTheRequestPastTheLifetimeGoesOnWithoutTheLogin() {
		SpringSessionWebSessionStore<MapSession> shared = new SpringSessionWebSessionStore<>(
				new ReactiveMapSessionRepository(new ConcurrentHashMap<>()));
		Instant login = this.clock.instant();
		WebSession created = shared.createWebSession().block();
		created.getAttributes().put(SessionAttributes.AUTHENTICATED_AT, login.toEpochMilli());
		created.getAttributes().put("SPRING_SECURITY_CONTEXT", "the login");
		created.start();
		created.save().block();
		this.clock.moveTo(login.plus(LIFETIME));

		WebSession copy = shared.retrieveSession(created.getId()).block();
		run(copy);

		assertThat(this.ended).containsExactly(SessionKey.of(created.getId()));
		assertThat(copy.getAttributes()).as("what the security chain reads").isEmpty();
		assertThat(shared.retrieveSession(created.getId()).blockOptional()).isEmpty();
	}

	@Test
	void filterWhenNoLoginStampThenAbsoluteLifetimeCountsFromCreation() {
		WebSession session = this.store.createWebSession().block();
		session.getAttributes().put("anything", "so that it is saved");
		session.start();
		this.clock.advance(LIFETIME);

		run(session);

		assertThat(session.isStarted()).isFalse();
	}

	@Test
	void filterWhenSessionNotStartedThenLeavesItAlone() {
		WebSession session = this.store.createWebSession().block();

		run(session);

		assertThat(session.isStarted()).isFalse();
		assertThat(session.getMaxIdleTime()).isEqualTo(Duration.ofMinutes(30));
	}

	private void run(WebSession session) {
		MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.session(session)
			.build();
		// Saved at the answer as Spring's session manager saves: unless ended or unused.
		StepVerifier
			.create(this.filter.filter(exchange, (ignored) -> Mono.empty())
				.then(Mono.defer(() -> (session.isStarted() && !session.isExpired()) ? session.save() : Mono.empty())))
			.verifyComplete();
	}

	private WebSession retrieve(WebSession session) {
		return this.store.retrieveSession(session.getId()).block();
	}

	private WebSession loggedInSession(Instant loginAt) {
		WebSession session = this.store.createWebSession().block();
		session.getAttributes().put(SessionAttributes.AUTHENTICATED_AT, loginAt.toEpochMilli());
		session.start();
		session.save().block();
		return session;
	}

}
