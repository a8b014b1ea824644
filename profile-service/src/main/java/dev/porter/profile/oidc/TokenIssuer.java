package dev.porter.profile.oidc;

import org.jspecify.annotations.Nullable;

import dev.porter.common.Issuers;

/**
 * The issuer a token's {@code iss} must name.
 *
 * @param value the issuer as discovery states it, or as configured when discovery is not
 * fetched
 * @param stated whether discovery stated it: the IdP writes exactly that into
 * {@code iss}. Without discovery nothing says whether the configured issuer has the IdP's
 * trailing slash (Auth0's issuers end with one, Keycloak's do not, and operators copy
 * either form), so it is accepted with or without one, as {@link Issuers#same} accepts it
 * from discovery: exactly that difference, nothing looser.
 */
record TokenIssuer(String value, boolean stated) {

	boolean accepts(@Nullable String iss) {
		return this.stated ? this.value.equals(iss) : Issuers.same(this.value, iss);
	}

}
