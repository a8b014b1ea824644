package dev.porter.gateway.csrf;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.DefaultCsrfToken;

import static org.assertj.core.api.Assertions.assertThat;

class CsrfCookieWebFilterTests {

	private final CsrfCookieWebFilter filter = new CsrfCookieWebFilter();

	@Test
	void filterWhenDeferredTokenPresentThenLoadedBeforeTheRequestGoesOn() {
		AtomicBoolean loaded = new AtomicBoolean();
		AtomicBoolean loadedWhenPassedOn = new AtomicBoolean();
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		exchange.getAttributes().put(CsrfToken.class.getName(), Mono.fromCallable(() -> {
			loaded.set(true);
			return new DefaultCsrfToken("X-XSRF-TOKEN", "_csrf", "token");
		}));

		this.filter.filter(exchange, (passedOn) -> Mono.fromRunnable(() -> loadedWhenPassedOn.set(loaded.get())))
			.block();

		assertThat(loadedWhenPassedOn).isTrue();
	}

	@Test
	void filterWhenNoDeferredTokenThenPassedOn() {
		AtomicBoolean passedOn = new AtomicBoolean();
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));

		this.filter.filter(exchange, (ignored) -> Mono.fromRunnable(() -> passedOn.set(true))).block();

		assertThat(passedOn).isTrue();
	}

}
