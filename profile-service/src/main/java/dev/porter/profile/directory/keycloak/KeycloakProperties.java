package dev.porter.profile.directory.keycloak;

import java.net.URI;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import dev.porter.profile.directory.DirectoryProperties;
import dev.porter.profile.upstream.Uris;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Keycloak Admin REST API and the service-account client that calls it, bound only
 * when {@code PROFILE_DIRECTORY} is {@code keycloak}. The client needs the
 * {@code realm-management} roles {@code view-users} and {@code manage-users}.
 *
 * @param adminUri the realm's admin base, {@code https://host/admin/realms/{realm}/}
 * ({@code KEYCLOAK_ADMIN_URI}); default derived from {@code OIDC_ISSUER_URI}
 * @param clientId the service-account client ({@code KEYCLOAK_CLIENT_ID})
 * @param clientSecret its secret ({@code KEYCLOAK_CLIENT_SECRET})
 * @param metadataPrefix the user attributes that hold {@code user_metadata}, one per key
 * ({@code KEYCLOAK_METADATA_PREFIX}); at most 55 characters, so that the prefix and a key
 * of 100 characters (200 UTF-16 units) fit Keycloak's 255-character attribute name
 */
@Validated
@ConfigurationProperties("porter.directory.keycloak")
@ConditionalOnProperty(name = DirectoryProperties.KIND, havingValue = DirectoryProperties.KEYCLOAK)
public record KeycloakProperties(@Nullable String adminUri,
		@NotBlank(message = "set KEYCLOAK_CLIENT_ID") String clientId,
		@NotBlank(message = "set KEYCLOAK_CLIENT_SECRET") String clientSecret,
		@DefaultValue(DEFAULT_PREFIX) @NotBlank(message = "KEYCLOAK_METADATA_PREFIX must not be blank") @Size(max = 55,
				message = "KEYCLOAK_METADATA_PREFIX must be at most 55 characters") String metadataPrefix) {

	public static final String DEFAULT_PREFIX = "user_metadata.";

	private static final String REALMS = "/realms/";

	private static final String ADMIN_REALMS = "/admin/realms/";

	public KeycloakProperties {
		Uris.optional(adminUri, "KEYCLOAK_ADMIN_URI");
	}

	/**
	 * {@code KEYCLOAK_ADMIN_URI}, or the issuer's {@code /realms/{realm}} turned into
	 * {@code /admin/realms/{realm}/} (a relative path before it, as
	 * {@code KC_HTTP_RELATIVE_PATH} gives, is kept).
	 */
	public URI resolvedAdminUri(String issuer) {
		URI explicit = Uris.optional(this.adminUri, "KEYCLOAK_ADMIN_URI");
		if (explicit != null) {
			return Uris.withTrailingSlash(explicit);
		}
		URI issuerUri = Uris.withTrailingSlash(Uris.required(issuer, "OIDC_ISSUER_URI"));
		String path = issuerUri.getPath();
		int realms = path.lastIndexOf(REALMS);
		if (realms < 0) {
			throw new IllegalArgumentException(
					"set KEYCLOAK_ADMIN_URI: OIDC_ISSUER_URI is not a Keycloak realm (…/realms/{realm})");
		}
		return issuerUri.resolve(path.substring(0, realms) + ADMIN_REALMS + path.substring(realms + REALMS.length()));
	}

	/**
	 * The realm's token endpoint, on the admin URI's host: {@code /admin/realms/{realm}/}
	 * → {@code /realms/{realm}/protocol/openid-connect/token}.
	 */
	public URI tokenUri(URI resolvedAdminUri) {
		String path = resolvedAdminUri.getPath();
		int admin = path.lastIndexOf(ADMIN_REALMS);
		if (admin < 0) {
			throw new IllegalArgumentException("KEYCLOAK_ADMIN_URI must end with /admin/realms/{realm}/");
		}
		return resolvedAdminUri.resolve(path.substring(0, admin) + REALMS
				+ path.substring(admin + ADMIN_REALMS.length()) + "protocol/openid-connect/token");
	}

}
