package dev.porter.common;

import java.util.Objects;

/**
 * When two issuer strings name the same issuer.
 * <p>
 * OpenID Connect Discovery 1.0 §4.3 asks for an exact match between the configured issuer
 * and the discovery document's {@code issuer}. Auth0's issuers end with a slash
 * ({@code https://tenant.auth0.com/}) while most people configure them without it, and
 * Keycloak's end without one. So both services accept a configured issuer that differs
 * from the stated one by a single trailing slash and nothing else, and from then on check
 * tokens against the issuer exactly as discovery states it (which is what the IdP writes
 * into {@code iss}). profile-service without discovery (both its endpoints set directly)
 * has no stated issuer, and checks {@code iss} against the configured one with
 * {@link #same} itself (its {@code oidc.TokenIssuer}).
 */
public final class Issuers {

	private Issuers() {
	}

	/**
	 * Whether the issuer an IdP states is the one that was configured.
	 * @param configured the issuer from configuration ({@code OIDC_ISSUER_URI})
	 * @param stated the issuer the IdP states (discovery's {@code issuer})
	 * @return {@code true} when they are equal, or equal once both end with one slash
	 */
	public static boolean same(String configured, String stated) {
		Objects.requireNonNull(configured, "configured");
		if (stated == null) {
			return false;
		}
		return withTrailingSlash(configured.trim()).equals(withTrailingSlash(stated));
	}

	/**
	 * The issuer with exactly one trailing slash, so that relative paths such as
	 * {@code .well-known/openid-configuration} resolve beneath it.
	 * @param issuer an issuer, with or without its trailing slash
	 * @return the issuer ending with {@code /}
	 */
	public static String withTrailingSlash(String issuer) {
		return issuer.endsWith("/") ? issuer : issuer + "/";
	}

}
