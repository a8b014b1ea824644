package dev.porter.gateway.config;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Web filters run in turn, each once the one before passes the exchange on, then the rest
 * of the request's handling — as Spring's {@code DefaultWebFilterChain} runs them,
 * without the Reactor checkpoint it adds around every filter on every request. That
 * checkpoint builds a string from the filter's {@code toString} and wraps the filter's
 * answer in one more operator, only to name the filter in the assembly trace of an error,
 * which the gateway never shows (errors are answered as problems and logged without
 * traces). With a dozen filters per request it was a few percent of the gateway's CPU
 * (docs/benchmarks.md). Each filter is still invoked only when the chain is subscribed,
 * so a filter that prepares the rest of the chain before it subscribes to it sees the
 * exchange as it will be.
 */
final class PlainWebFilterChain implements WebFilterChain {

	private final List<WebFilter> filters;

	private final int index;

	private final WebFilterChain rest;

	private PlainWebFilterChain(List<WebFilter> filters, int index, WebFilterChain rest) {
		this.filters = filters;
		this.index = index;
		this.rest = rest;
	}

	/**
	 * {@code filters} in their order, then {@code rest}. Not copied: Spring Security
	 * hands its decorator a list of its own for every request, so this runs per request.
	 */
	static WebFilterChain of(List<WebFilter> filters, WebFilterChain rest) {
		return new PlainWebFilterChain(filters, 0, rest);
	}

	/** {@code filters} as one filter, in their order. */
	static WebFilter asOneFilter(List<WebFilter> filters) {
		List<WebFilter> copy = List.copyOf(filters);
		return (exchange, rest) -> new PlainWebFilterChain(copy, 0, rest).filter(exchange);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange) {
		return Mono.defer(() -> (this.index < this.filters.size())
				? this.filters.get(this.index)
					.filter(exchange, new PlainWebFilterChain(this.filters, this.index + 1, this.rest))
				: this.rest.filter(exchange));
	}

}
