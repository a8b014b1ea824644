package dev.porter.profile.directory.auth0;

import java.time.Clock;

import dev.porter.profile.directory.DirectoryProperties;
import dev.porter.profile.directory.ClientCredentialsTokens;
import dev.porter.profile.directory.DirectoryCalls;
import dev.porter.profile.oidc.OidcProperties;
import dev.porter.profile.upstream.UpstreamPolicy;
import dev.porter.profile.upstream.UpstreamResponses;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@code PROFILE_DIRECTORY=auth0} (the default): the Auth0 Management API with an M2M
 * token for its {@code audience}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = DirectoryProperties.KIND, havingValue = DirectoryProperties.AUTH0, matchIfMissing = true)
class Auth0DirectoryConfiguration {

	@Bean
	ClientCredentialsTokens auth0ManagementTokens(Auth0ManagementProperties properties, OidcProperties oidc,
			@Qualifier("identityProviderWebClient") WebClient identityProviderWebClient, Clock clock) {
		MultiValueMap<String, String> audience = new LinkedMultiValueMap<>();
		audience.add("audience", properties.resolvedAudience(oidc.issuer()));
		return new ClientCredentialsTokens("auth0-management", properties.resolvedTokenUri(oidc.issuer()),
				properties.clientId(), properties.clientSecret(), audience, identityProviderWebClient, clock);
	}

	@Bean
	Auth0Directory auth0Directory(@Qualifier("managementWebClient") WebClient managementWebClient,
			ClientCredentialsTokens tokens, @Qualifier("management") UpstreamPolicy policy,
			Auth0ManagementProperties properties, OidcProperties oidc, Clock clock) {
		DirectoryCalls calls = new DirectoryCalls(tokens, policy, new UpstreamResponses("management", clock, false));
		return new Auth0Directory(managementWebClient, properties.managementUri(oidc.issuer()), calls);
	}

}
