package dev.porter.gateway.login;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.porter.gateway.session.LoginUser;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.StoredSessions;
import dev.porter.gateway.support.FilterHarness;
import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/** A full session store turns away new logins at the callback, and only those. */
class LoginCapacityWebFilterTests {

	private static final String CALLBACK = "/login/oauth2/code/porter?code=c&state=s";

	private final AtomicBoolean room = new AtomicBoolean();

	/**
	 * Sessions presented at the callback are known only through the session id resolver,
	 * which these exchanges do not have (SessionStoreFullTests signs in again with a full
	 * store): none is live here.
	 */
	private final LoginCapacityWebFilter filter = new LoginCapacityWebFilter(this.room::get, new NoneLive(),
			new LoginRefusal(FilterHarness.problemWriter()), new MovableClock(Instant.parse("2026-12-01T12:00:00Z")));

	private final FilterHarness.Recording chain = FilterHarness.recording();

	/**
	 * The IdP sent the browser back: whatever asked for it, a failed login the SPA
	 * explains, not a JSON problem page.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "text/html", "application/json" })
	void filterWhenStoreFullAndBrowserWithoutSessionThenLoginFailedBeforeTheCodeExchange(String accept) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get(CALLBACK).header(HttpHeaders.ACCEPT, accept));

		this.filter.filter(exchange, this.chain).block();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.FOUND);
		assertThat(exchange.getResponse().getHeaders().getLocation()).hasToString("/?login=failed");
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenStoreFullAndBrowserSignedInAlreadyThenLoginGoesOn() {
		MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get(CALLBACK))
			.session(startedSession())
			.build();

		this.filter.filter(exchange, this.chain).block();

		assertThat(this.chain.exchange()).isSameAs(exchange);
	}

	@Test
	void filterWhenStoreHasRoomThenLoginGoesOn() {
		this.room.set(true);
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(CALLBACK));

		this.filter.filter(exchange, this.chain).block();

		assertThat(this.chain.wasCalled()).isTrue();
	}

	@Test
	void filterWhenStoreFullAndNotTheCallbackThenPassedOn() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/bff/login"));

		this.filter.filter(exchange, this.chain).block();

		assertThat(this.chain.wasCalled()).isTrue();
	}

	private static WebSession startedSession() {
		WebSession session = new InMemoryWebSessionStore().createWebSession().block();
		session.start();
		return session;
	}

	private static final class NoneLive implements StoredSessions {

		@Override
		public Mono<Boolean> isLive(SessionKey key) {
			return Mono.just(false);
		}

		@Override
		public Mono<LoginUser> loginUser(SessionKey key) {
			return Mono.empty();
		}

		@Override
		public Mono<OAuth2RefreshToken> refreshToken(SessionKey key) {
			return Mono.empty();
		}

		@Override
		public Mono<OAuth2RefreshToken> end(SessionKey key) {
			return Mono.empty();
		}

		@Override
		public Mono<OAuth2RefreshToken> endReplaced(SessionKey key) {
			return Mono.empty();
		}

	}

}
