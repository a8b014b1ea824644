package dev.porter.gateway.routing;

import java.util.ArrayList;
import java.util.List;

import dev.porter.gateway.token.TokenRelayFilter;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.http.HttpMethod;
import org.springframework.util.Assert;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;

/**
 * The relay of {@code /me} and {@code /me/**}: the route's filters in their order, then
 * the {@link UpstreamCall}, and the upstream's body written back after them, outside the
 * circuit breaker's measure as it was before. It stands where Spring Cloud Gateway's
 * route lookup and filter chain stood, which added a dozen global filters, a route lookup
 * and several exchange copies to every relayed request for features this route does not
 * use. The server's filter chain ends here for the requests it {@link #relays}, in place
 * of WebFlux's {@code DispatcherHandler} and its handler mappings. An answer that refused
 * the relayed token is answered by {@link RefusedTokenRelay} instead.
 */
public final class RelayHandler implements WebHandler {

	private final List<GatewayFilter> filters;

	private final UpstreamCall upstream;

	private final BodyLost bodyLost;

	private final @Nullable RefusedTokenRelay refusedToken;

	/**
	 * @param filters the route's filters, run in the order their {@code getOrder} gives,
	 * as Spring Cloud Gateway ran them
	 * @param bodyLost the answer when the upstream's body fails before the browser has
	 * had any of it
	 * @param tokenRelay the token relay among {@code filters}: an answer that refused the
	 * relayed token goes to {@link RefusedTokenRelay}, which relays the request again
	 * through the filters after it; {@code null} for a route without one (a test's),
	 * whose answers are all written as they came
	 */
	RelayHandler(List<GatewayFilter> filters, UpstreamCall upstream, BodyLost bodyLost,
			@Nullable TokenRelayFilter tokenRelay) {
		List<GatewayFilter> ordered = new ArrayList<>(filters);
		AnnotationAwareOrderComparator.sort(ordered);
		this.filters = List.copyOf(ordered);
		this.upstream = upstream;
		this.bodyLost = bodyLost;
		this.refusedToken = (tokenRelay != null) ? refusedTokenRelay(tokenRelay) : null;
	}

	private RefusedTokenRelay refusedTokenRelay(TokenRelayFilter tokenRelay) {
		int afterTokenRelay = this.filters.indexOf(tokenRelay) + 1;
		Assert.isTrue(afterTokenRelay > 0, "the token relay must be one of the filters");
		return new RefusedTokenRelay(tokenRelay, (relayed) -> new Chain(afterTokenRelay).filter(relayed));
	}

	/** Whether this handler answers the request: its path is one of the relayed ones. */
	public boolean relays(ServerWebExchange exchange) {
		return RelayedPaths.matches(exchange);
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		return new Chain(0).filter(exchange)
			.then(Mono.defer(() -> writeAnswer(exchange)))
			// An answer not written (the browser went away first) must not hold its
			// upstream connection out of the pool.
			.doFinally((signal) -> UpstreamCall.discardAnswer(exchange));
	}

	/**
	 * Writes the upstream's body and commits the answer. A failure of the body before
	 * anything was written (the response is committed by its first write) came from the
	 * upstream's side: its connection closed or stalled before the body it announced was
	 * whole, which the browser still gets a defined answer for. After that, the browser's
	 * connection can only be cut.
	 * <p>
	 * Anything else that fails before the first write is no upstream's failure: the
	 * session's save, which Spring runs as the answer is committed, failed because the
	 * session store did. That failure is answered as it is on every other path (the
	 * store's 503), without the upstream's headers, and never counted against the
	 * upstream: a Redis hiccup read as lost bodies opened the breaker for everybody.
	 */
	private Mono<Void> writeAnswer(ServerWebExchange exchange) {
		ServerWebExchange relayed = UpstreamCall.refusingToken(exchange);
		Mono<Void> written = (relayed != null && this.refusedToken != null)
				? this.refusedToken.answer(exchange, relayed) : UpstreamCall.writeAnswer(exchange);
		// A HEAD's writes are dropped without committing the answer, which Spring would
		// then commit after this handler, where the session's save failing no longer
		// reaches the error handlers (an empty 500): committed here, as a GET's first
		// write commits it. Only for a HEAD: every other answer was committed by its
		// write, and the relay's path counts its operators.
		if (HttpMethod.HEAD.equals(exchange.getRequest().getMethod())) {
			written = written.then(Mono.defer(() -> exchange.getResponse().setComplete()));
		}
		return written.onErrorResume((ex) -> {
			Throwable cause = (ex instanceof AnswerBodyFailed failed) ? failed.failure() : ex;
			if (exchange.getResponse().isCommitted()) {
				return Mono.error(cause);
			}
			if (ex instanceof AnswerBodyFailed) {
				return this.bodyLost.answer(exchange, cause);
			}
			RelayedAnswerHeaders.removeFrom(exchange.getResponse().getHeaders());
			return Mono.error(ex);
		});
	}

	/**
	 * What the browser gets when the upstream's body failed before any of it was written.
	 */
	@FunctionalInterface
	interface BodyLost {

		Mono<Void> answer(ServerWebExchange exchange, Throwable error);

	}

	private final class Chain implements GatewayFilterChain {

		private final int index;

		Chain(int index) {
			this.index = index;
		}

		@Override
		public Mono<Void> filter(ServerWebExchange exchange) {
			if (this.index == RelayHandler.this.filters.size()) {
				return RelayHandler.this.upstream.relay(exchange);
			}
			return RelayHandler.this.filters.get(this.index).filter(exchange, new Chain(this.index + 1));
		}

	}

}
