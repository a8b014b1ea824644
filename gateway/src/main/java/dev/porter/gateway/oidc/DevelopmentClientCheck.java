package dev.porter.gateway.oidc;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Stops start-up when the gateway would sign users in as dev-idp's development client
 * because {@code OIDC_CLIENT_ID} is not set, at an IdP beyond this machine's loopback:
 * every user would reach the IdP with {@code client_id=porter-gateway} and end on its
 * error page, with nothing logged here. Set on purpose (README's Keycloak realm names its
 * client so), the id is the IdP's own and is kept. The default applies on loopback, where
 * dev-idp runs.
 */
@Configuration(proxyBeanMethods = false)
class DevelopmentClientCheck {

	/** dev-idp's client, application.yml's default {@code OIDC_CLIENT_ID}. */
	static final String DEV_IDP_CLIENT_ID = "porter-gateway";

	private static final String VARIABLE = "OIDC_CLIENT_ID";

	DevelopmentClientCheck(OidcProperties oidc, Environment environment) {
		String issuer = oidc.issuerUri().toString();
		if (DEV_IDP_CLIENT_ID.equals(oidc.clientId()) && !environment.containsProperty(VARIABLE)
				&& !LoopbackIssuers.onLoopback(issuer)) {
			throw new IllegalStateException("set " + VARIABLE + " to the client id of the gateway's application at"
					+ " the IdP (" + issuer + "): unset, it is dev-idp's development client " + DEV_IDP_CLIENT_ID
					+ ", which that IdP does not know, and every login would end on its error page");
		}
	}

}
