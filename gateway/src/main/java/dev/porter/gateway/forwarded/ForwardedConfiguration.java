package dev.porter.gateway.forwarded;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

@Configuration(proxyBeanMethods = false)
class ForwardedConfiguration {

	/**
	 * Found by name by the WebFlux handler, which applies it to every request before any
	 * filter; Boot registers its trust-everyone one only when
	 * {@code server.forward-headers-strategy=framework}.
	 */
	@Bean(WebHttpHandlerBuilder.FORWARDED_HEADER_TRANSFORMER_BEAN_NAME)
	ForwardedHeaderTransformer forwardedHeaderTransformer(ForwardedProperties properties, ObjectProvider<Clock> clock) {
		return new TrustedForwardedHeaderTransformer(properties.trusted(), properties.trustedHeaders(),
				new UntrustedProxyLog(clock.getIfAvailable(Clock::systemUTC)));
	}

	/** Answers what the transformer could not read: it cannot answer itself. */
	@Bean
	MalformedForwardedHeaderWebFilter malformedForwardedHeaderWebFilter() {
		return new MalformedForwardedHeaderWebFilter();
	}

}
