package dev.porter.gateway.config;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.web.server.WebFilter;

/**
 * The server's web filters and each of Spring Security's chains run as a
 * {@link PlainWebFilterChain}: the same filters in the same order, without a checkpoint
 * per filter per request.
 */
@Configuration(proxyBeanMethods = false)
class FilterChainConfiguration {

	/** The server's web filters (Spring Security's proxy among them) as one. */
	@Bean
	WebHttpHandlerBuilderCustomizer plainServerFilterChain() {
		return (builder) -> builder.filters((filters) -> {
			WebFilter all = PlainWebFilterChain.asOneFilter(filters);
			filters.clear();
			filters.add(all);
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
