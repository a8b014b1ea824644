package dev.porter.devidp.seed;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * The development data dev-idp starts with: APIs, clients, client grants and users,
 * shaped like Auth0's own objects so that the seed reads like a tenant export.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Seed(List<Api> apis, List<Client> clients, @JsonProperty("client_grants") List<ClientGrant> clientGrants,
		List<User> users) {

	public Seed {
		apis = List.copyOf(apis);
		clients = List.copyOf(clients);
		clientGrants = List.copyOf(clientGrants);
		users = List.copyOf(users);
	}

	public Optional<Client> client(String clientId) {
		return this.clients.stream().filter((c) -> c.clientId().equals(clientId)).findFirst();
	}

	/**
	 * An API (resource server) that access tokens can be issued for. {@code userScopes},
	 * when given, are the only scopes of this API a token issued to a signed-in user may
	 * hold (Auth0's Management API gives users its {@code *current_user*} scopes only);
	 * absent, users may ask for all of {@code scopes}.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Api(String identifier, String name, List<String> scopes,
			@JsonProperty("user_scopes") @Nullable List<String> userScopes,
			@JsonProperty("allow_offline_access") boolean allowOfflineAccess) {

		/** The scopes of this API a user login may obtain. */
		public List<String> scopesForUsers() {
			return (this.userScopes != null) ? this.userScopes : this.scopes;
		}

	}

	/** An application; {@code clientSecret} is absent for public clients. */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Client(@JsonProperty("client_id") String clientId,
			@JsonProperty("client_secret") @Nullable String clientSecret, String name,
			@JsonProperty("app_type") String appType, @JsonProperty("grant_types") List<String> grantTypes,
			@Nullable List<String> callbacks,
			@JsonProperty("allowed_logout_urls") @Nullable List<String> allowedLogoutUrls,
			@JsonProperty("backchannel_logout_urls") @Nullable List<String> backchannelLogoutUrls) {

		public boolean isPublic() {
			return this.clientSecret == null;
		}

	}

	/** Authorises a machine-to-machine client for an API with the given scopes. */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record ClientGrant(@JsonProperty("client_id") String clientId, String audience, List<String> scope) {
	}

	/** A database or social user: login credentials plus the Auth0 user object. */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record User(String username, String password, ObjectNode profile) {
	}

}
