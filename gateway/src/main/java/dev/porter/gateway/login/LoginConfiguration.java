package dev.porter.gateway.login;

import dev.porter.gateway.config.BffProperties;
import dev.porter.gateway.config.OidcProperties;
import dev.porter.gateway.logout.SessionRegistry;
import dev.porter.gateway.problem.ProblemWriter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.server.WebSessionServerOAuth2AuthorizedClientRepository;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
class LoginConfiguration {

	@Bean
	DiscoveredClientRegistrationRepository clientRegistrationRepository(WebClient idpWebClient, OidcProperties oidc,
			BffProperties bff) {
		return new DiscoveredClientRegistrationRepository(new OidcDiscovery(idpWebClient, oidc), oidc, bff);
	}

	/**
	 * Tokens live in the session they belong to (not in a principal-keyed in-memory map
	 * shared by all sessions).
	 */
	@Bean
	ServerOAuth2AuthorizedClientRepository authorizedClientRepository() {
		return new WebSessionServerOAuth2AuthorizedClientRepository();
	}

	@Bean
	LoginSecurity loginSecurity(DiscoveredClientRegistrationRepository registrations,
			ServerOAuth2AuthorizedClientRepository authorizedClients, SessionRegistry registry, ProblemWriter problems,
			OidcProperties oidc, MeterRegistry meters) {
		return new LoginSecurity(registrations, authorizedClients, new LoginSuccessHandler(registry, meters), problems,
				oidc, meters);
	}

}
