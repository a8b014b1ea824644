package dev.porter.gateway.config;

import java.util.Set;

import dev.porter.gateway.problem.ProblemWriter;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

/**
 * Spring Security's strict firewall, which refuses encoded path separators and dots,
 * control characters in the headers the gateway reads, and unknown methods: its rules
 * unchanged, decided by {@link FirewallCharacters}, and its refusals answered as problems
 * ({@link RejectedRequestProblems}) instead of an empty {@code 400}: {@code 400}, or
 * {@code 501} for a method.
 */
@Configuration(proxyBeanMethods = false)
class FirewallConfiguration {

	/**
	 * The methods the firewall lets through (its own default, named here so that
	 * {@link RejectedRequestProblems} tells a refused method by the same list).
	 */
	static final Set<HttpMethod> ALLOWED_METHODS = Set.of(HttpMethod.DELETE, HttpMethod.GET, HttpMethod.HEAD,
			HttpMethod.OPTIONS, HttpMethod.PATCH, HttpMethod.POST, HttpMethod.PUT);

	@Bean
	ServerWebExchangeFirewall serverWebExchangeFirewall() {
		StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();
		firewall.setAllowedHttpMethods(ALLOWED_METHODS);
		firewall.setAllowedHeaderNames(FirewallCharacters.HEADER_NAMES);
		firewall.setAllowedHeaderValues(FirewallCharacters.HEADER_VALUES);
		firewall.setAllowedParameterNames(FirewallCharacters.PARAMETER_NAMES);
		return firewall;
	}

	@Bean
	ServerExchangeRejectedHandler serverExchangeRejectedHandler(ProblemWriter problems) {
		return new RejectedRequestProblems(problems);
	}

}
