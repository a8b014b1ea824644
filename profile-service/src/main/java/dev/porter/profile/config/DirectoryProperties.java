package dev.porter.profile.config;

import java.net.URI;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Auth0 Management API and the M2M application that calls it. Secrets have no default
 * anywhere in YAML: the environment must supply them.
 *
 * @param baseUri Management API base ({@code AUTH0_MANAGEMENT_URI})
 * @param tokenUri client-credentials token endpoint ({@code AUTH0_MANAGEMENT_TOKEN_URI}),
 * default {@code {origin}/oauth/token}
 * @param audience the {@code audience} of the M2M token
 * ({@code AUTH0_MANAGEMENT_AUDIENCE}), default {@code {origin}/api/v2/}
 * @param clientId the M2M client ({@code AUTH0_MANAGEMENT_CLIENT_ID})
 * @param clientSecret its secret ({@code AUTH0_MANAGEMENT_CLIENT_SECRET})
 * @param appMetadataAllowList the {@code app_metadata} keys {@code GET /me} may show
 * ({@code PROFILE_APP_METADATA_ALLOW_LIST}); empty: {@code app_metadata} is omitted
 * @param rootAllowList extra root attributes of the Management user to show (e.g.
 * {@code last_ip}); empty by default
 */
@Validated
@ConfigurationProperties("porter.directory")
public record DirectoryProperties(@NotBlank(message = "set AUTH0_MANAGEMENT_URI") String baseUri,
		@Nullable String tokenUri, @Nullable String audience,
		@NotBlank(message = "set AUTH0_MANAGEMENT_CLIENT_ID") String clientId,
		@NotBlank(message = "set AUTH0_MANAGEMENT_CLIENT_SECRET") String clientSecret,
		@DefaultValue List<String> appMetadataAllowList, @DefaultValue List<String> rootAllowList) {

	public DirectoryProperties {
		if (baseUri != null && !baseUri.isBlank()) {
			Uris.required(baseUri, "AUTH0_MANAGEMENT_URI");
		}
		Uris.optional(tokenUri, "AUTH0_MANAGEMENT_TOKEN_URI");
		Uris.optional(audience, "AUTH0_MANAGEMENT_AUDIENCE");
		appMetadataAllowList = appMetadataAllowList.stream().map(String::trim).filter((k) -> !k.isEmpty()).toList();
		rootAllowList = rootAllowList.stream().map(String::trim).filter((k) -> !k.isEmpty()).toList();
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
