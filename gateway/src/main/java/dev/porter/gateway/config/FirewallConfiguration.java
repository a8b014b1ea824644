package dev.porter.gateway.config;

import dev.porter.gateway.problem.ProblemWriter;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;

/**
 * Spring Security's strict firewall, which refuses encoded path separators and dots,
 * control characters in the headers the gateway reads, and unknown methods: its refusals
 * are answered as problems ({@link RejectedRequestProblems}) instead of an empty
 * {@code 400}.
 */
@Configuration(proxyBeanMethods = false)
class FirewallConfiguration {

	@Bean
	ServerExchangeRejectedHandler serverExchangeRejectedHandler(ProblemWriter problems) {
		return new RejectedRequestProblems(problems);
	}

}
