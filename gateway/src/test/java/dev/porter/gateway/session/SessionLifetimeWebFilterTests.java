package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

import static org.assertj.core.api.Assertions.assertThat;

class SessionLifetimeWebFilterTests {

	private final SessionLifetimeWebFilter filter = new SessionLifetimeWebFilter(new SessionProperties(
			"__Host-porter-session", true, Duration.ofMinutes(30), Duration.ofHours(12), 10_000, ""));

	@Test
	void filterWhenLoggedInWithinAbsoluteLifetimeThenKeepsSessionWithIdleTimeout() {
		WebSession session = loggedInSession(Instant.now().minus(Duration.ofHours(1)));
		run(session);
		assertThat(session.getAttributes()).containsKey(SessionAttributes.AUTHENTICATED_AT);
		assertThat(session.getMaxIdleTime()).isEqualTo(Duration.ofMinutes(30));
	}

	@Test
	void filterWhenAbsoluteLifetimePassedThenInvalidatesSession() {
		WebSession session = loggedInSession(Instant.now().minus(Duration.ofHours(13)));
		run(session);
		assertThat(session.getAttributes()).isEmpty();
		assertThat(session.isStarted()).isFalse();
	}

	private void run(WebSession session) {
		MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.session(session)
			.build();
		StepVerifier.create(this.filter.filter(exchange, (ignored) -> Mono.empty())).verifyComplete();
	}

	private static WebSession loggedInSession(Instant loginAt) {
		WebSession session = new InMemoryWebSessionStore().createWebSession().block();
		session.getAttributes().put(SessionAttributes.AUTHENTICATED_AT, loginAt.toEpochMilli());
		session.start();
		return session;
	}

}
