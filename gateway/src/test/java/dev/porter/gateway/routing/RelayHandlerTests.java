package dev.porter.gateway.routing;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

class RelayHandlerTests {

	private final WireMockServer upstream = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	@BeforeEach
	void start() {
		this.upstream.start();
		this.upstream.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
	}

	@AfterEach
	void stop() {
		this.upstream.stop();
	}

	/**
	 * The circuit breaker, last of the route's filters, must see the call end when the
	 * upstream's answer has arrived: a browser that is gone by the time its body is
	 * written says nothing about profile-service's health.
	 */
	@Test
	void handleWhenWritingTheAnswerFailsThenRouteFiltersSawTheCallSucceed() {
		AtomicReference<@Nullable String> seenByFilter = new AtomicReference<>();
		GatewayFilter breakerLike = (exchange, chain) -> chain.filter(exchange)
			.doOnSuccess((done) -> seenByFilter.set("answered " + exchange.getResponse().getStatusCode()))
			.doOnError((ex) -> seenByFilter.set("failed " + ex.getMessage()));
		RelayHandler handler = new RelayHandler(List.of(breakerLike),
				new UpstreamCall(HttpClient.create(), URI.create(this.upstream.baseUrl())),
				(exchange, error) -> Mono.error(new AssertionError("the upstream's body was whole")), null);

		StepVerifier.create(handler.handle(browserGone(MockServerHttpRequest.get("http://gateway.test/me"))))
			.expectErrorMessage("browser gone")
			.verify();

		assertThat(seenByFilter.get()).isEqualTo("answered 200 OK");
	}

	/**
	 * An exchange whose response fails once written to: the browser has hung up while its
	 * answer was on its way.
	 */
	private static ServerWebExchange browserGone(MockServerHttpRequest.BaseBuilder<?> request) {
		MockServerWebExchange exchange = MockServerWebExchange.from(request);
		return exchange.mutate().response(new ServerHttpResponseDecorator(exchange.getResponse()) {

			@Override
			public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
				return super.writeWith(
						Flux.from(body).concatWith(Mono.error(new IllegalStateException("browser gone"))));
			}

		}).build();
	}

}
