package dev.porter.devidp.faults;

import java.time.Clock;
import java.util.random.RandomGenerator;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the request counter and the fault injection for the token, userinfo and
 * Management API endpoints, both ahead of Spring Security's filter so that they see every
 * request, authenticated or not.
 */
@Configuration(proxyBeanMethods = false)
class FaultsConfiguration {

	@Bean
	FaultRegistry faultRegistry(Clock clock) {
		return new FaultRegistry(clock);
	}

	@Bean
	RequestStats requestStats() {
		return new RequestStats();
	}

	@Bean
	FilterRegistrationBean<RequestCountingFilter> requestCountingFilter(RequestStats stats) {
		var registration = new FilterRegistrationBean<>(new RequestCountingFilter(stats));
		registration.addUrlPatterns(EndpointGroup.URL_PATTERNS);
		registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 20);
		return registration;
	}

	@Bean
	FilterRegistrationBean<FaultInjectionFilter> faultInjectionFilter(FaultRegistry registry, JsonMapper mapper) {
		var filter = new FaultInjectionFilter(registry, new FaultResponses(mapper), RandomGenerator.getDefault());
		var registration = new FilterRegistrationBean<>(filter);
		registration.addUrlPatterns(EndpointGroup.URL_PATTERNS);
		registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 10);
		return registration;
	}

}
