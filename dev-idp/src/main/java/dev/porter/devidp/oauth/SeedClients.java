package dev.porter.devidp.oauth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.porter.devidp.config.DevIdpProperties;
import dev.porter.devidp.seed.Seed;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * Turns the seed's applications into registered clients: secrets for confidential clients
 * (basic or post), PKCE required for public ones, rotating refresh tokens, and lifetimes
 * from {@link DevIdpProperties}.
 */
final class SeedClients {

	static final String OFFLINE_ACCESS = "offline_access";

	private static final List<String> OIDC_SCOPES = List.of(OidcScopes.OPENID, OidcScopes.PROFILE, OidcScopes.EMAIL,
			OFFLINE_ACCESS);

	private final Seed seed;

	private final DevIdpProperties properties;

	SeedClients(Seed seed, DevIdpProperties properties) {
		this.seed = seed;
		this.properties = properties;
	}

	RegisteredClientRepository repository() {
		return new InMemoryRegisteredClientRepository(
				this.seed.clients().stream().map(this::registeredClient).toList());
	}

	private RegisteredClient registeredClient(Seed.Client client) {
		RegisteredClient.Builder builder = RegisteredClient.withId(client.clientId())
			.clientId(client.clientId())
			.clientName(client.name())
			.scopes((scopes) -> scopes.addAll(scopes(client)))
			.clientSettings(ClientSettings.builder()
				.requireProofKey(client.isPublic())
				.requireAuthorizationConsent(false)
				.build())
			.tokenSettings(TokenSettings.builder()
				.accessTokenTimeToLive(this.properties.accessTokenTtl())
				.refreshTokenTimeToLive(this.properties.refreshTokenTtl())
				.reuseRefreshTokens(false)
				.build());
		client.grantTypes()
			.forEach((grantType) -> builder.authorizationGrantType(new AuthorizationGrantType(grantType)));
		Objects.requireNonNullElse(client.callbacks(), List.<String>of()).forEach(builder::redirectUri);
		Objects.requireNonNullElse(client.allowedLogoutUrls(), List.<String>of())
			.forEach(builder::postLogoutRedirectUri);
		if (client.isPublic()) {
			builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
		}
		else {
			// The seed holds development secrets in plain text; {noop} says so to the
			// password encoder that checks them.
			builder.clientSecret("{noop}" + client.clientSecret())
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
		}
		return builder.build();
	}

	/**
	 * Interactive clients may ask for the OIDC scopes and each API's scopes for users;
	 * machine-to-machine clients for what their client grants allow.
	 */
	private Set<String> scopes(Seed.Client client) {
		Set<String> scopes = new LinkedHashSet<>();
		if (client.grantTypes().contains(AuthorizationGrantType.AUTHORIZATION_CODE.getValue())) {
			scopes.addAll(OIDC_SCOPES);
			this.seed.apis().forEach((api) -> scopes.addAll(api.scopesForUsers()));
		}
		this.seed.clientGrants()
			.stream()
			.filter((grant) -> grant.clientId().equals(client.clientId()))
			.forEach((grant) -> scopes.addAll(grant.scope()));
		return scopes;
	}

}
