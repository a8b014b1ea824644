package dev.porter.gateway.support;

import java.lang.reflect.Constructor;
import java.util.concurrent.atomic.AtomicReference;

import dev.porter.gateway.problem.ProblemWriter;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

/**
 * What a filter's unit test needs around the filter, without a Spring context: a chain
 * that records the exchange the filter passed on (or that it passed on none), the
 * gateway's problem writer, and the problem a filter wrote.
 */
public final class FilterHarness {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private FilterHarness() {
	}

	/**
	 * The writer every filter answers its problems through. Its constructor is
	 * package-private (for Spring's component scan), hence the reflection.
	 */
	public static ProblemWriter problemWriter() {
		try {
			Constructor<ProblemWriter> constructor = ProblemWriter.class.getDeclaredConstructor(JsonMapper.class);
			constructor.setAccessible(true);
			return constructor.newInstance(JSON);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The problem body a filter wrote, as JSON. */
	public static JsonNode problem(MockServerWebExchange exchange) {
		String body = exchange.getResponse().getBodyAsString().block();
		if (body == null || body.isEmpty()) {
			throw new AssertionError("the filter wrote no body");
		}
		return JSON.readTree(body);
	}

	/** A chain that ends the request at once, remembering the exchange it was given. */
	public static Recording recording() {
		return new Recording();
	}

	/** Records the exchange a filter passed on; usable as either kind of chain. */
	public static final class Recording implements WebFilterChain, GatewayFilterChain {

		private final AtomicReference<@Nullable ServerWebExchange> passedOn = new AtomicReference<>();

		@Override
		public Mono<Void> filter(ServerWebExchange exchange) {
			return Mono.fromRunnable(() -> this.passedOn.set(exchange));
		}

		public boolean wasCalled() {
			return this.passedOn.get() != null;
		}

		/** The exchange the filter passed on; fails the test when it passed on none. */
		public ServerWebExchange exchange() {
			ServerWebExchange exchange = this.passedOn.get();
			if (exchange == null) {
				throw new AssertionError("the filter did not call the chain");
			}
			return exchange;
		}

	}

}
