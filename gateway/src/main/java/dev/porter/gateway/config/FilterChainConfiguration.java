package dev.porter.gateway.config;

import java.util.List;

import dev.porter.gateway.routing.RelayHandler;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.WebFilter;

/**
 * The server's web filters and each of Spring Security's chains run as a
 * {@link PlainWebFilterChain}: the same filters in the same order, without a checkpoint
 * per filter per request; for the relayed paths, Spring Security's chain is chosen
 * without asking ({@link RelayFirstSecurityChains}) and the server's chain ends in the
 * {@link RelayHandler}.
 */
@Configuration(proxyBeanMethods = false)
class FilterChainConfiguration {

	/**
	 * The server's web filters (Spring Security's proxy among them) as one. After them a
	 * relayed request goes straight to the relay: WebFlux's dispatcher would only find
	 * the same handler, through a handler-mapping lookup that costs every relayed request
	 * a dozen reactive operators (docs/benchmarks.md). Decided on the exchange as the
	 * filters hand it on, as the dispatcher would.
	 */
	@Bean
	WebHttpHandlerBuilderCustomizer plainServerFilterChain(RelayHandler relay,
			@Qualifier("relayWebFilterChain") SecurityWebFilterChain relayChain,
			ObjectProvider<SecurityWebFilterChain> securityChains, ServerWebExchangeFirewall firewall,
			ServerExchangeRejectedHandler rejected) {
		requireFirst(relayChain, securityChains.orderedStream().toList());
		return (builder) -> builder.filters((filters) -> {
			relayChainFirst(filters, relayChain, firewall, rejected);
			WebFilter all = PlainWebFilterChain.asOneFilter(filters);
			filters.clear();
			filters.add((exchange, dispatcher) -> all.filter(exchange, (filtered) -> relay.relays(filtered)
					? relay.handle(filtered) : committed(dispatcher.filter(filtered), filtered)));
		});
	}

	/**
	 * The dispatcher's answer, committed before the server's filters are done, as a
	 * body's first write commits it. An answer nobody wrote, and a HEAD's (whose writes
	 * Spring drops without committing), would be committed only after them, where the
	 * session's save, which Spring runs as the answer is committed, fails outside the
	 * error handlers: an empty 500 instead of the session store's 503. The relay commits
	 * its own answers ({@link RelayHandler}).
	 */
	private static Mono<Void> committed(Mono<Void> handled, ServerWebExchange exchange) {
		return handled.then(Mono.defer(() -> exchange.getResponse().setComplete()));
	}

	/**
	 * The server's exception handlers as one ({@link ExceptionHandlersInTurn}): the same
	 * handlers in the same order, assembled around a request only once it has failed.
	 */
	@Bean
	WebHttpHandlerBuilderCustomizer exceptionHandlersInTurn() {
		return (builder) -> builder.exceptionHandlers((handlers) -> {
			WebExceptionHandler all = new ExceptionHandlersInTurn(handlers);
			handlers.clear();
			handlers.add(all);
		});
	}

	/**
	 * Refuses to start unless the relay chain comes first among Spring Security's chains,
	 * as it does by its order: {@link RelayFirstSecurityChains} gives it every relayed
	 * request without asking the chains before it.
	 */
	static void requireFirst(SecurityWebFilterChain relayChain, List<SecurityWebFilterChain> chains) {
		if (chains.isEmpty() || chains.get(0) != relayChain) {
			throw new IllegalStateException("The relay chain must be Spring Security's first chain");
		}
	}

	private static void relayChainFirst(List<WebFilter> filters, SecurityWebFilterChain relayChain,
			ServerWebExchangeFirewall firewall, ServerExchangeRejectedHandler rejected) {
		filters.replaceAll((filter) -> (filter instanceof WebFilterChainProxy proxy)
				? new RelayFirstSecurityChains(proxy, relayChain, firewall, rejected) : filter);
	}

	/** Each of Spring Security's chains, once it has matched a request. */
	@Bean
	static BeanPostProcessor plainSecurityFilterChain() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof WebFilterChainProxy proxy) {
					proxy.setFilterChainDecorator((original, filters) -> PlainWebFilterChain.of(filters, original));
				}
				return bean;
			}

		};
	}

}
