package dev.porter.gateway.oidc;

import java.net.URI;

import org.jspecify.annotations.Nullable;

/**
 * dev-idp's development client, the gateway's client when {@code OIDC_CLIENT_ID} is left
 * unset or blank and the issuer is on this machine's loopback, where dev-idp runs. Beyond
 * loopback a blank id stops start-up naming the variable: every user would reach the IdP
 * with {@code client_id=porter-gateway} and end on its error page, with nothing logged
 * here. Blank counts as unset because docker compose passes the variable blank whenever
 * {@code .env} does not set it. Set on purpose (README's Keycloak realm names its client
 * so), the id is the IdP's own and is kept.
 */
final class DevelopmentClient {

	static final String ID = "porter-gateway";

	private static final String VARIABLE = "OIDC_CLIENT_ID";

	private DevelopmentClient() {
	}

	/**
	 * @param configured {@code OIDC_CLIENT_ID} as bound
	 * @param issuer the issuer; without one the client id is left as it is, and the
	 * missing issuer reported
	 * @return the configured id, or dev-idp's when blank with an issuer on loopback
	 */
	static @Nullable String idFor(@Nullable String configured, @Nullable URI issuer) {
		if (issuer == null || (configured != null && !configured.isBlank())) {
			return configured;
		}
		if (!LoopbackIssuers.onLoopback(issuer.toString())) {
			throw new IllegalArgumentException("set " + VARIABLE + " to the client id of the gateway's application at"
					+ " the IdP (" + issuer + "): only with an issuer on this machine's loopback does it default to"
					+ " dev-idp's development client " + ID + ", which that IdP does not know, and every login would"
					+ " end on its error page");
		}
		return ID;
	}

}
