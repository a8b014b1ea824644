package dev.porter.profile.directory;

import java.util.List;
import java.util.Locale;

import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which user directory {@code GET /me} merges with {@code /userinfo}, and what of its
 * user may be shown.
 *
 * @param kind {@code auth0} (the Auth0 Management API), {@code keycloak} (the Keycloak
 * Admin REST API) or {@code none} ({@code /userinfo} alone, metadata not writable)
 * ({@code PROFILE_DIRECTORY})
 * @param appMetadataAllowList the {@code app_metadata} keys {@code GET /me} may show
 * ({@code PROFILE_APP_METADATA_ALLOW_LIST}); empty: {@code app_metadata} is omitted
 * @param rootAllowList extra root attributes of the directory user to show (e.g.
 * {@code last_ip}) ({@code PROFILE_ROOT_ALLOW_LIST}); empty by default
 */
@Validated
@ConfigurationProperties("porter.directory")
public record DirectoryProperties(
		@DefaultValue(AUTH0) @Pattern(regexp = "(?i)auth0|keycloak|none",
				message = "PROFILE_DIRECTORY must be auth0, keycloak or none") String kind,
		@DefaultValue List<String> appMetadataAllowList, @DefaultValue List<String> rootAllowList) {

	/** The property that selects the directory adapter (conditions match on it). */
	public static final String KIND = "porter.directory.kind";

	public static final String AUTH0 = "auth0";

	public static final String KEYCLOAK = "keycloak";

	public static final String NONE = "none";

	public DirectoryProperties {
		// not trimmed: the adapters' conditions match the raw value, so " keycloak" must
		// fail here rather than silently select no directory
		kind = kind.toLowerCase(Locale.ROOT);
		appMetadataAllowList = appMetadataAllowList.stream().map(String::trim).filter((k) -> !k.isEmpty()).toList();
		rootAllowList = rootAllowList.stream().map(String::trim).filter((k) -> !k.isEmpty()).toList();
	}

}
