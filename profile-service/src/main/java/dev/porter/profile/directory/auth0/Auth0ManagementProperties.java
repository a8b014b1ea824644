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
 * @param baseUri Management API base ({@code AUTH0_MANAGEMENT_URI}), default
 * {@code {issuer}/api/v2/}
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
public record Auth0ManagementProperties(@Nullable String baseUri, @Nullable String tokenUri, @Nullable String audience,
		@NotBlank(message = "set AUTH0_MANAGEMENT_CLIENT_ID") String clientId,
		@NotBlank(message = "set AUTH0_MANAGEMENT_CLIENT_SECRET") String clientSecret) {

	private static final String API_V2 = "api/v2/";

	public Auth0ManagementProperties {
		requireManagementApi(Uris.optional(baseUri, "AUTH0_MANAGEMENT_URI"));
		Uris.optional(tokenUri, "AUTH0_MANAGEMENT_TOKEN_URI");
		Uris.optional(audience, "AUTH0_MANAGEMENT_AUDIENCE");
	}

	/**
	 * The Management API's base path ends with {@code /api/v2/}. Another one (the bare
	 * tenant domain) gets a valid token, its audience being the origin's, and then a 404
	 * for every user: each {@code GET /me} would answer "user not found" with nothing
	 * logged.
	 */
	private static void requireManagementApi(@Nullable URI managementUri) {
		if (managementUri != null && !Uris.withTrailingSlash(managementUri).getPath().endsWith("/" + API_V2)) {
			throw new IllegalArgumentException("AUTH0_MANAGEMENT_URI must be the Management API, whose path is /"
					+ API_V2 + " (e.g. https://{tenant}.auth0.com/" + API_V2 + "), not "
					+ (managementUri.getPath().isEmpty() ? "/" : managementUri.getPath()));
		}
	}

	/**
	 * {@code AUTH0_MANAGEMENT_URI}, or {@code api/v2/} beneath the issuer, which may be
	 * configured with or without Auth0's trailing slash.
	 * @param issuer the configured issuer ({@code OIDC_ISSUER_URI})
	 * @return the Management API base, ending with one slash
	 */
	public URI managementUri(String issuer) {
		URI explicit = Uris.optional(this.baseUri, "AUTH0_MANAGEMENT_URI");
		if (explicit != null) {
			return Uris.withTrailingSlash(explicit);
		}
		return Uris.withTrailingSlash(Uris.required(issuer, "OIDC_ISSUER_URI")).resolve(API_V2);
	}

	public URI resolvedTokenUri(String issuer) {
		URI explicit = Uris.optional(this.tokenUri, "AUTH0_MANAGEMENT_TOKEN_URI");
		return (explicit != null) ? explicit : URI.create(Uris.origin(managementUri(issuer)) + "/oauth/token");
	}

	public String resolvedAudience(String issuer) {
		URI explicit = Uris.optional(this.audience, "AUTH0_MANAGEMENT_AUDIENCE");
		return (explicit != null) ? explicit.toString() : Uris.origin(managementUri(issuer)) + "/" + API_V2;
	}

}
