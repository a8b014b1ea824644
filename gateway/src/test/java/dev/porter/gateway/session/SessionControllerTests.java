package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code expires_at} of {@code GET /bff/session} on a {@link MovableClock}: the end of
 * the idle timeout from now, capped by the absolute lifetime since login.
 */
class SessionControllerTests {

	private static final Instant LOGIN = Instant.parse("2026-12-01T12:00:00Z");

	private static final Duration IDLE = Duration.ofMinutes(30);

	private static final Duration LIFETIME = Duration.ofHours(12);

	private final MovableClock clock = new MovableClock(LOGIN);

	private final SessionController controller = new SessionController(
			new SessionProperties("__Host-porter-session", true, IDLE, LIFETIME, 10_000, 20, ""), this.clock);

	@Test
	void sessionWhenAbsoluteEndIsFurtherThanTheIdleTimeoutThenExpiresAtTheIdleEndFromNow() {
		this.clock.advance(Duration.ofHours(2));

		assertThat(expiresAt()).isEqualTo(LOGIN.plus(Duration.ofHours(2)).plus(IDLE).getEpochSecond());
	}

	@Test
	void sessionWhenAbsoluteEndIsNearerThanTheIdleTimeoutThenExpiresAtTheAbsoluteEnd() {
		this.clock.advance(LIFETIME.minus(IDLE).plusMinutes(10));

		assertThat(expiresAt()).isEqualTo(LOGIN.plus(LIFETIME).getEpochSecond());
	}

	private Object expiresAt() {
		WebSession session = new InMemoryWebSessionStore().createWebSession().block();
		session.getAttributes().put(SessionAttributes.AUTHENTICATED_AT, LOGIN.toEpochMilli());
		OidcIdToken idToken = new OidcIdToken("id-token", LOGIN, LOGIN.plusSeconds(300), Map.of("sub", "auth0|alice"));
		OAuth2AuthenticationToken principal = new OAuth2AuthenticationToken(new DefaultOidcUser(List.of(), idToken),
				List.of(), "auth0");
		MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/bff/session"))
			.session(session)
			.principal(principal)
			.build();
		Map<String, Object> body = this.controller.session(exchange).block().getBody();
		assertThat(body).containsEntry("authenticated", true);
		return body.get("expires_at");
	}

}
