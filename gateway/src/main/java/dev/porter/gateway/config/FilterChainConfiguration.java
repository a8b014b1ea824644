package dev.porter.gateway.config;

import dev.porter.gateway.routing.RelayHandler;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.web.server.WebFilter;

/**
 * The server's web filters and each of Spring Security's chains run as a
 * {@link PlainWebFilterChain}: the same filters in the same order, without a checkpoint
 * per filter per request; the server's chain ends in the {@link RelayHandler} for the
 * relayed paths.
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
	WebHttpHandlerBuilderCustomizer plainServerFilterChain(RelayHandler relay) {
		return (builder) -> builder.filters((filters) -> {
			WebFilter all = PlainWebFilterChain.asOneFilter(filters);
			filters.clear();
			filters.add((exchange, dispatcher) -> all.filter(exchange,
					(filtered) -> relay.relays(filtered) ? relay.handle(filtered) : dispatcher.filter(filtered)));
		});
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
