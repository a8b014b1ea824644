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

	/**
	 * Auth0 answers {@code access_denied} to a wrong secret and to an application without
	 * a grant for the Management API, whose identifier is on the tenant's canonical
	 * domain even when a custom domain is the issuer.
	 */
	private static final String WHAT_TO_CHECK = "AUTH0_MANAGEMENT_CLIENT_ID and AUTH0_MANAGEMENT_CLIENT_SECRET "
			+ "(the M2M application's), that application's client grant for the Management API with read:users and "
			+ "update:users, and AUTH0_MANAGEMENT_URI (with a custom domain as OIDC_ISSUER_URI: the canonical tenant "
			+ "domain, https://TENANT.REGION.auth0.com/api/v2/), or AUTH0_MANAGEMENT_TOKEN_URI and "
			+ "AUTH0_MANAGEMENT_AUDIENCE if set";

	@Bean
	ClientCredentialsTokens auth0ManagementTokens(Auth0ManagementProperties properties, OidcProperties oidc,
			@Qualifier("identityProviderWebClient") WebClient identityProviderWebClient, Clock clock) {
		MultiValueMap<String, String> audience = new LinkedMultiValueMap<>();
		audience.add("audience", properties.resolvedAudience(oidc.issuer()));
		return new ClientCredentialsTokens("auth0-management", WHAT_TO_CHECK,
				properties.resolvedTokenUri(oidc.issuer()), properties.clientId(), properties.clientSecret(), audience,
				identityProviderWebClient, clock);
	}

	@Bean
	Auth0Directory auth0Directory(@Qualifier("managementWebClient") WebClient managementWebClient,
			ClientCredentialsTokens tokens, @Qualifier("management") UpstreamPolicy policy,
			Auth0ManagementProperties properties, OidcProperties oidc, Clock clock) {
		DirectoryCalls calls = new DirectoryCalls(tokens, policy, new UpstreamResponses("management", clock, false));
		return new Auth0Directory(managementWebClient, properties.managementUri(oidc.issuer()), calls);
	}

}
