package dev.porter.gateway.login;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

import dev.porter.gateway.session.ToTheEnd;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Any error at the login callback becomes a failed login; elsewhere errors go on. */
class CallbackErrorWebFilterTests {

	private static final String CALLBACK = "/login/oauth2/code/porter?code=one-time&state=s";

	private final AtomicReference<@Nullable AuthenticationException> failure = new AtomicReference<>();

	private final CallbackErrorWebFilter filter = new CallbackErrorWebFilter((exchange, exception) -> {
		this.failure.set(exception);
		return Mono.empty();
	}, new ToTheEnd(Clock.systemUTC()));

	@Test
	void filterWhenCallbackFailsOutsideAuthenticationThenFailedLogin() {
		IllegalStateException storeDown = new IllegalStateException("session store down");

		this.filter.filter(callback(), failingWith(storeDown)).block();

		assertThat(this.failure.get()).isInstanceOf(OAuth2AuthenticationException.class).hasRootCause(storeDown);
	}

	@Test
	void filterWhenCallbackAuthenticationFailsThenThatFailureHandedOn() {
		OAuth2AuthenticationException rejected = new OAuth2AuthenticationException(new OAuth2Error("invalid_grant"));

		this.filter.filter(callback(), failingWith(rejected)).block();

		assertThat(this.failure.get()).isSameAs(rejected);
	}

	@Test
	void filterWhenCallbackFailsAfterTheResponseCommittedThenErrorGoesOn() {
		MockServerWebExchange exchange = callback();

		Mono<Void> filtered = this.filter.filter(exchange,
				(passedOn) -> passedOn.getResponse().setComplete().then(Mono.error(new IllegalStateException("late"))));

		assertThatIllegalStateException().isThrownBy(filtered::block).withMessage("late");
		assertThat(this.failure.get()).isNull();
	}

	@Test
	void filterWhenAnotherPathFailsThenErrorGoesOn() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));

		Mono<Void> filtered = this.filter.filter(exchange, failingWith(new IllegalStateException("upstream")));

		assertThatIllegalStateException().isThrownBy(filtered::block).withMessage("upstream");
		assertThat(this.failure.get()).isNull();
	}

	private static MockServerWebExchange callback() {
		return MockServerWebExchange.from(MockServerHttpRequest.get(CALLBACK));
	}

	private static WebFilterChain failingWith(RuntimeException error) {
		return (exchange) -> Mono.error(error);
	}

}
