package dev.porter.profile.oidc;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import org.jspecify.annotations.Nullable;

import dev.porter.profile.upstream.Uris;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where caller tokens come from and what they must say.
 *
 * @param issuerUri the issuer ({@code OIDC_ISSUER_URI}); discovery gives every endpoint
 * @param audience the API identifier a token's {@code aud} must contain
 * ({@code API_AUDIENCE})
 * @param jwksUri overrides discovery's {@code jwks_uri} ({@code OIDC_JWKS_URI}, docker
 * compose)
 * @param userinfoUri overrides discovery's {@code userinfo_endpoint}
 * ({@code OIDC_USERINFO_URI})
 * @param clockSkew tolerance on {@code exp}/{@code nbf}
 * @param userClaim the access token claim naming the user as {@code /userinfo}'s
 * {@code sub} does ({@code OIDC_USER_CLAIM}): {@code sub} at Auth0 and Keycloak;
 * {@code uid} at Okta's authorization servers, whose access token {@code sub} is the
 * login name
 */
@Validated
@ConfigurationProperties("porter.oidc")
public record OidcProperties(@NotBlank(message = "set OIDC_ISSUER_URI") String issuerUri,
		@NotBlank(message = "set API_AUDIENCE") String audience, @Nullable String jwksUri, @Nullable String userinfoUri,
		@DefaultValue("60s") Duration clockSkew, @DefaultValue("sub") String userClaim) {

	public OidcProperties {
		if (userClaim == null || userClaim.isBlank()) {
			throw new IllegalArgumentException("OIDC_USER_CLAIM must name a claim (sub unless the provider differs)");
		}
		if (issuerUri != null && !issuerUri.isBlank()) {
			Uris.required(issuerUri, "OIDC_ISSUER_URI");
		}
		Uris.optional(jwksUri, "OIDC_JWKS_URI");
		Uris.optional(userinfoUri, "OIDC_USERINFO_URI");
	}

	/**
	 * The issuer as configured; discovery must state it, give or take one trailing slash
	 * (tokens are checked against the issuer discovery states, see
	 * {@link OidcEndpoints#issuer()}).
	 */
	public String issuer() {
		return this.issuerUri.trim();
	}

	public URI discoveryUri() {
		return Uris.withTrailingSlash(URI.create(issuer())).resolve(".well-known/openid-configuration");
	}

	public @Nullable URI jwksOverride() {
		return Uris.optional(this.jwksUri, "OIDC_JWKS_URI");
	}

	public @Nullable URI userinfoOverride() {
		return Uris.optional(this.userinfoUri, "OIDC_USERINFO_URI");
	}

}
