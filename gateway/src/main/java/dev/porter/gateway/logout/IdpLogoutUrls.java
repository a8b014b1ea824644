package dev.porter.gateway.logout;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import dev.porter.common.Issuers;
import dev.porter.gateway.bff.BffProperties;
import dev.porter.gateway.oidc.OidcProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Where the browser goes to end its IdP session: the OIDC {@code end_session_endpoint}
 * when discovery has one; otherwise Auth0's {@code /v2/logout}, which every tenant has,
 * when discovery looks like Auth0's; otherwise nowhere at the IdP (the SPA's URL): a
 * provider without an end-session endpoint (Google, Cognito, Apple) has no logout URL we
 * could send the browser to and get it back.
 *
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html">OIDC
 * RP-Initiated Logout 1.0</a>
 * @see <a href="https://auth0.com/docs/api/authentication/logout/auth-0-logout">Auth0
 * Logout</a>
 */
class IdpLogoutUrls {

	private final OidcProperties oidc;

	private final BffProperties bff;

	private final LogoutProperties logout;

	IdpLogoutUrls(OidcProperties oidc, BffProperties bff, LogoutProperties logout) {
		this.oidc = oidc;
		this.bff = bff;
		this.logout = logout;
	}

	/**
	 * The IdP's logout for the login of {@code idToken}, named by its ID token or its
	 * session id ({@link LogoutHint}), or, with none ({@code null}: the gateway session
	 * already ended, yet the IdP's may live on), for whoever is signed in at the IdP:
	 * OIDC lets {@code client_id} stand in for the hint, and the IdP may then ask the
	 * user to confirm (Auth0 does). Nothing any site could not do: it may send the
	 * browser to that URL itself.
	 */
	URI logoutUrl(ClientRegistration registration, @Nullable OidcIdToken idToken) {
		Map<String, Object> metadata = registration.getProviderDetails().getConfigurationMetadata();
		if (metadata.get("end_session_endpoint") instanceof String endSession) {
			return endSession(endSession, registration, idToken, isAuth0(metadata));
		}
		if (!isAuth0(metadata)) {
			return localUrl();
		}
		return UriComponentsBuilder.fromUriString(this.oidc.issuerWithSlash() + "v2/logout")
			.queryParam("client_id", "{clientId}")
			.queryParam("returnTo", "{redirect}")
			.encode()
			.buildAndExpand(registration.getClientId(), this.bff.postLogoutRedirectUri())
			.toUri();
	}

	/**
	 * Whether discovery describes Auth0, custom domains included: Auth0 serves its token
	 * endpoint at {@code {issuer}oauth/token}, where no other common provider does
	 * (dev-idp, made like Auth0, does too). Read from discovery itself, not from the
	 * registration, whose token URI a back-channel override ({@code OIDC_TOKEN_URI}) may
	 * have replaced.
	 */
	private static boolean isAuth0(Map<String, Object> metadata) {
		return metadata.get("issuer") instanceof String issuer
				&& metadata.get("token_endpoint") instanceof String tokenEndpoint
				&& tokenEndpoint.equals(Issuers.withTrailingSlash(issuer) + "oauth/token");
	}

	private URI endSession(String endpoint, ClientRegistration registration, @Nullable OidcIdToken idToken,
			boolean auth0) {
		UriComponentsBuilder url = UriComponentsBuilder.fromUriString(endpoint);
		Map<String, String> values = new HashMap<>();
		if (idToken != null) {
			String sid = idToken.getClaimAsString("sid");
			boolean bySid = sid != null && switch (this.logout.hint()) {
				case BY_PROVIDER -> auth0;
				case ID_TOKEN -> false;
				case SESSION_ID -> true;
			};
			url.queryParam(bySid ? "logout_hint" : "id_token_hint", "{hint}");
			values.put("hint", bySid ? sid : idToken.getTokenValue());
		}
		values.put("redirect", this.bff.postLogoutRedirectUri());
		values.put("clientId", registration.getClientId());
		return url.queryParam("post_logout_redirect_uri", "{redirect}")
			.queryParam("client_id", "{clientId}")
			.encode()
			.buildAndExpand(values)
			.toUri();
	}

	/**
	 * Where to go when no IdP session can be ended: the IdP unreachable, or a provider
	 * without a logout URL.
	 */
	URI localUrl() {
		return URI.create(this.bff.postLogoutRedirectUri());
	}

}
