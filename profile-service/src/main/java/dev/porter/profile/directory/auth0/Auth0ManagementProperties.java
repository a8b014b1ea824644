package dev.porter.profile.directory.auth0;

import java.net.URI;

import jakarta.validation.constraints.NotBlank;
import org.jspecify.annotations.Nullable;

import dev.porter.profile.directory.DirectoryProperties;
import dev.porter.profile.upstream.Uris;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The Auth0 Management API and the M2M application that calls it, bound only when
 * {@code PROFILE_DIRECTORY} is {@code auth0}. Secrets have no default anywhere in YAML:
 * the environment must supply them.
 *
 * @param baseUri Management API base ({@code AUTH0_MANAGEMENT_URI})
 * @param tokenUri client-credentials token endpoint ({@code AUTH0_MANAGEMENT_TOKEN_URI}),
 * default {@code {origin}/oauth/token}
 * @param audience the {@code audience} of the M2M token
 * ({@code AUTH0_MANAGEMENT_AUDIENCE}), default {@code {origin}/api/v2/}
 * @param clientId the M2M client ({@code AUTH0_MANAGEMENT_CLIENT_ID})
 * @param clientSecret its secret ({@code AUTH0_MANAGEMENT_CLIENT_SECRET})
 */
@Validated
@ConfigurationProperties("porter.directory.auth0")
@ConditionalOnProperty(name = DirectoryProperties.KIND, havingValue = DirectoryProperties.AUTH0, matchIfMissing = true)
public record Auth0ManagementProperties(@NotBlank(message = "set AUTH0_MANAGEMENT_URI") String baseUri,
		@Nullable String tokenUri, @Nullable String audience,
		@NotBlank(message = "set AUTH0_MANAGEMENT_CLIENT_ID") String clientId,
		@NotBlank(message = "set AUTH0_MANAGEMENT_CLIENT_SECRET") String clientSecret) {

	public Auth0ManagementProperties {
		if (baseUri != null && !baseUri.isBlank()) {
			Uris.required(baseUri, "AUTH0_MANAGEMENT_URI");
		}
		Uris.optional(tokenUri, "AUTH0_MANAGEMENT_TOKEN_URI");
		Uris.optional(audience, "AUTH0_MANAGEMENT_AUDIENCE");
	}

	public URI managementUri() {
		return Uris.withTrailingSlash(Uris.required(this.baseUri, "AUTH0_MANAGEMENT_URI"));
	}

	public URI resolvedTokenUri() {
		URI explicit = Uris.optional(this.tokenUri, "AUTH0_MANAGEMENT_TOKEN_URI");
		return (explicit != null) ? explicit : URI.create(Uris.origin(managementUri()) + "/oauth/token");
	}

	public String resolvedAudience() {
		URI explicit = Uris.optional(this.audience, "AUTH0_MANAGEMENT_AUDIENCE");
		return (explicit != null) ? explicit.toString() : Uris.origin(managementUri()) + "/api/v2/";
	}

}
