package dev.porter.gateway.oidc;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.porter.common.HttpUris;
import dev.porter.common.Issuers;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The OpenID Connect client the gateway signs users in with (registration id
 * {@code auth0}).
 *
 * @param issuerUri the issuer; discovery at
 * {@code {issuer}/.well-known/openid-configuration} gives every endpoint
 * @param clientId the Regular Web Application's client id; unset or blank, dev-idp's
 * while the issuer is on loopback ({@link DevelopmentClient})
 * @param clientSecret its secret; never has a default
 * @param scopes requested scopes; {@code offline_access} brings the refresh token
 * @param audience the API the relayed access token is for (Auth0 issues a JWT only when
 * asked for an audience)
 * @param tokenUri back-channel override of discovery's token endpoint (docker compose)
 * @param jwksUri back-channel override of discovery's JWKS endpoint
 * @param userinfoUri back-channel override of discovery's userinfo endpoint
 * @param discoveryUri where to fetch the discovery document when the issuer's own address
 * is not reachable from this service (docker compose: the browser's
 * {@code localhost:9000} is {@code dev-idp:9000} in the network)
 * @param revocationUri back-channel override of discovery's revocation endpoint
 * @param discoveryTimeout how long one discovery attempt may take before it fails (and is
 * retried by the next caller)
 * @param responseTimeout how long the gateway waits for the IdP to answer one of its
 * calls (discovery, JWKS, the login's code exchange and userinfo, revocation) before that
 * call fails; a refresh waits {@code TOKEN_REFRESH_TIMEOUT} instead
 * @param revokeRefreshTokens whether an ended session's refresh token is revoked at the
 * IdP ({@code OIDC_REVOKE_REFRESH_TOKENS}); off only for an Auth0 tenant whose "Refresh
 * Token Revocation Deletes Grant" is on, where revoking one session's token revokes the
 * user's refresh tokens on every device
 */
@Validated
@ConfigurationProperties("porter.oidc")
public record OidcProperties(@NotNull(message = "set OIDC_ISSUER_URI") URI issuerUri,
		@NotBlank(message = "set OIDC_CLIENT_ID") String clientId,
		@NotBlank(message = "set OIDC_CLIENT_SECRET") String clientSecret,
		@NotEmpty(message = "set OIDC_SCOPES") @DefaultValue( {
				"openid", "profile", "email", "offline_access" }) List<String> scopes,
		@NotBlank(message = "set API_AUDIENCE") String audience, @Nullable URI tokenUri, @Nullable URI jwksUri,
		@Nullable URI userinfoUri, @Nullable URI discoveryUri, @Nullable URI revocationUri,
		@NotNull(message = "set OIDC_DISCOVERY_TIMEOUT") @DurationMin(millis = 1,
				message = "OIDC_DISCOVERY_TIMEOUT must be positive") @DefaultValue("5s") Duration discoveryTimeout,
		@NotNull(message = "set OIDC_RESPONSE_TIMEOUT") @DurationMin(millis = 1,
				message = "OIDC_RESPONSE_TIMEOUT must be positive") @DefaultValue("5s") Duration responseTimeout,
		@DefaultValue("true") boolean revokeRefreshTokens){

	public OidcProperties {
		HttpUris.requireAbsoluteHttp(issuerUri, "OIDC_ISSUER_URI");
		clientId = DevelopmentClient.idFor(clientId, issuerUri);
		HttpUris.requireAbsoluteHttp(tokenUri, "OIDC_TOKEN_URI");
		HttpUris.requireAbsoluteHttp(jwksUri, "OIDC_JWKS_URI");
		HttpUris.requireAbsoluteHttp(userinfoUri, "OIDC_USERINFO_URI");
		HttpUris.requireAbsoluteHttp(discoveryUri, "OIDC_DISCOVERY_URI");
		HttpUris.requireAbsoluteHttp(revocationUri, "OIDC_REVOCATION_URI");
	}

	/**
	 * Without {@code openid} Spring signs users in with plain OAuth2, without an ID
	 * token, and Porter keeps no such login: every login would land signed out.
	 */
	@AssertTrue(message = "OIDC_SCOPES must include openid")
	public boolean isOpenidRequested() {
		return this.scopes == null || scopeList().contains("openid");
	}

	/**
	 * The issuer with exactly one trailing slash, as Auth0 writes it; discovery paths are
	 * resolved against it.
	 */
	public String issuerWithSlash() {
		return Issuers.withTrailingSlash(this.issuerUri.toString());
	}

	/**
	 * The scopes, whether given as a list or as one space- or comma-separated string
	 * ({@code OIDC_SCOPES}).
	 */
	public List<String> scopeList() {
		return this.scopes.stream()
			.flatMap((scope) -> Arrays.stream(scope.split("[\\s,]+")))
			.filter((scope) -> !scope.isBlank())
			.distinct()
			.toList();
	}

}
