package dev.porter.gateway.logout;

/**
 * What names the session in the IdP's logout URL when the gateway has its ID token
 * ({@code LOGOUT_ID_TOKEN_HINT}). {@code logout_hint} (the IdP session id, with
 * {@code client_id}) keeps the ID token, a signed record of the user's identity, out of
 * URLs the browser keeps in its history and sends in {@code Referer}; but OIDC
 * RP-Initiated Logout makes {@code id_token_hint} the recommended parameter and
 * {@code logout_hint} optional, and only Auth0 is known to end its session from
 * {@code logout_hint} and {@code client_id} alone. An ID token without {@code sid} goes
 * as {@code id_token_hint} whatever the setting: nothing else names the session then.
 */
enum LogoutHint {

	/**
	 * Unset: {@code logout_hint} to an IdP whose discovery is Auth0's (dev-idp's is, made
	 * like it), {@code id_token_hint} to any other. Okta's logout requires the ID token
	 * and shows an error page without it, its session still signed in; Keycloak ignores
	 * {@code logout_hint} and asks the user to confirm; Ory Hydra, Duende IdentityServer
	 * and Connect2id return to {@code post_logout_redirect_uri} only with the ID token.
	 */
	BY_PROVIDER,

	/** {@code true}: always {@code id_token_hint}. */
	ID_TOKEN,

	/** {@code false}: {@code logout_hint} wherever the ID token has a {@code sid}. */
	SESSION_ID

}
