package dev.porter.profile.config;

import java.time.Clock;

import reactor.core.scheduler.Schedulers;

import dev.porter.profile.oidc.LazyJwtDecoder;
import dev.porter.profile.oidc.OidcEndpoints;
import dev.porter.profile.oidc.OidcProperties;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The identity provider's endpoints and the caller-token decoder, both on the
 * {@code identityProviderWebClient}.
 */
@Configuration(proxyBeanMethods = false)
class OidcConfiguration {

	@Bean
	OidcEndpoints oidcEndpoints(OidcProperties properties,
			@Qualifier("identityProviderWebClient") WebClient identityProviderWebClient, Clock clock) {
		return new OidcEndpoints(properties, identityProviderWebClient, clock);
	}

	@Bean
	ReactiveJwtDecoder jwtDecoder(OidcProperties properties, OidcEndpoints endpoints,
			@Qualifier("identityProviderWebClient") WebClient identityProviderWebClient, Clock clock) {
		return new LazyJwtDecoder(properties, endpoints, identityProviderWebClient, clock, Schedulers.parallel());
	}

}
