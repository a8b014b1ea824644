package dev.porter.devidp.oauth;

import java.util.List;
import java.util.Set;

import dev.porter.devidp.userinfo.UserClaims;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Shapes tokens like Auth0's default token profile: access tokens carry {@code azp} and a
 * space-separated {@code scope}; {@code aud} is the requested API (plus
 * {@code {issuer}userinfo} when {@code openid} was granted); client-credentials tokens
 * have {@code sub: "{client_id}@clients"} and {@code gty}, as do refresh-grant tokens. ID
 * tokens get the user's profile and email claims for the granted scopes, and the
 * {@code sid} of the browser session that signed in (see {@link SigningInSession}).
 *
 * @see <a href=
 * "https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles">Access Token
 * Profiles</a>
 */
final class Auth0TokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

	private final String userinfoAudience;

	private final UserClaims userClaims;

	Auth0TokenCustomizer(String issuer, UserClaims userClaims) {
		this.userinfoAudience = issuer + "userinfo";
		this.userClaims = userClaims;
	}

	@Override
	public void customize(JwtEncodingContext context) {
		if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
			this.userClaims.forScopes(context.getPrincipal().getName(), context.getAuthorizedScopes())
				.ifPresent((claims) -> claims.forEach(context.getClaims()::claim));
			String sid = SigningInSession.sidOf(context.getAuthorization());
			if (sid != null) {
				context.getClaims().claim("sid", sid);
			}
		}
		else if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
			customizeAccessToken(context);
		}
	}

	private void customizeAccessToken(JwtEncodingContext context) {
		JwtClaimsSet.Builder claims = context.getClaims();
		String clientId = context.getRegisteredClient().getClientId();
		Set<String> scopes = context.getAuthorizedScopes();
		// Auth0's default profile has neither nbf nor jti, and names the client in azp.
		claims.claims((map) -> {
			map.remove(JwtClaimNames.NBF);
			map.remove(JwtClaimNames.JTI);
			map.remove("client_id");
			map.remove("scope");
		});
		claims.claim("azp", clientId);
		if (!scopes.isEmpty()) {
			claims.claim("scope", String.join(" ", scopes));
		}
		if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
			claims.subject(clientId + "@clients").claim("gty", "client-credentials");
			String audience = clientCredentialsAudience(context.getAuthorizationGrant());
			if (audience != null) {
				claims.claim(JwtClaimNames.AUD, audience);
			}
			return;
		}
		if (AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())) {
			claims.claim("gty", "refresh_token");
		}
		String audience = requestedAudience(context.getAuthorization());
		if (audience == null) {
			// Auth0 would issue an opaque token good only for /userinfo.
			claims.audience(List.of(this.userinfoAudience));
		}
		else if (scopes.contains(OidcScopes.OPENID)) {
			claims.audience(List.of(audience, this.userinfoAudience));
		}
		else {
			claims.audience(List.of(audience));
		}
	}

	private static @Nullable String clientCredentialsAudience(@Nullable Authentication grant) {
		if (grant instanceof OAuth2ClientCredentialsAuthenticationToken request
				&& request.getAdditionalParameters().get(Audiences.PARAMETER) instanceof String audience) {
			return audience;
		}
		return null;
	}

	/** The audience given to {@code /authorize}, kept with the authorization. */
	static @Nullable String requestedAudience(@Nullable OAuth2Authorization authorization) {
		if (authorization == null) {
			return null;
		}
		OAuth2AuthorizationRequest request = authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
		if (request != null && request.getAdditionalParameters().get(Audiences.PARAMETER) instanceof String audience) {
			return audience;
		}
		return null;
	}

}
