package dev.porter.profile.directory.keycloak;

import java.net.URI;
import java.time.Clock;

import tools.jackson.databind.json.JsonMapper;

import dev.porter.profile.directory.DirectoryProperties;
import dev.porter.profile.oidc.OidcProperties;
import dev.porter.profile.directory.ClientCredentialsTokens;
import dev.porter.profile.directory.DirectoryCalls;
import dev.porter.profile.upstream.UpstreamPolicy;
import dev.porter.profile.upstream.UpstreamResponses;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@code PROFILE_DIRECTORY=keycloak}: the realm's Admin REST API with a service-account
 * token from the realm's token endpoint, through the same {@code management} resilience
 * policy and failure matrix as Auth0's Management API.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = DirectoryProperties.KIND, havingValue = DirectoryProperties.KEYCLOAK)
class KeycloakDirectoryConfiguration {

	/**
	 * Keycloak answers {@code unauthorized_client} (or {@code invalid_client}) to a wrong
	 * secret and to a client without a service account.
	 */
	private static final String WHAT_TO_CHECK = "KEYCLOAK_CLIENT_ID and KEYCLOAK_CLIENT_SECRET, that this client is "
			+ "confidential with its service account enabled (Client authentication and Service accounts roles), and "
			+ "KEYCLOAK_ADMIN_URI if set (the token endpoint is beside it: …/realms/REALM/protocol/openid-connect/token)";

	@Bean
	ClientCredentialsTokens keycloakAdminTokens(KeycloakProperties properties, OidcProperties oidc,
			@Qualifier("identityProviderWebClient") WebClient identityProviderWebClient, Clock clock) {
		URI adminUri = properties.resolvedAdminUri(oidc.issuer());
		return new ClientCredentialsTokens("keycloak-admin", WHAT_TO_CHECK, properties.tokenUri(adminUri),
				properties.clientId(), properties.clientSecret(), new LinkedMultiValueMap<>(),
				identityProviderWebClient, clock);
	}

	@Bean
	KeycloakDirectory keycloakDirectory(@Qualifier("managementWebClient") WebClient managementWebClient,
			ClientCredentialsTokens tokens, @Qualifier("management") UpstreamPolicy policy,
			KeycloakProperties properties, OidcProperties oidc, JsonMapper mapper, Clock clock) {
		DirectoryCalls calls = new DirectoryCalls(tokens, policy, new UpstreamResponses("management", clock, false));
		return new KeycloakDirectory(managementWebClient, properties.resolvedAdminUri(oidc.issuer()), calls,
				new KeycloakUsers(properties.metadataPrefix(), mapper));
	}

}
