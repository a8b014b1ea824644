package dev.porter.gateway.support;

import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * The gateway's client registration as unit tests need it: the real registration id, an
 * IdP that is never called.
 */
public final class TestRegistrations {

	private TestRegistrations() {
	}

	/**
	 * The registration under the id the gateway uses, with fixed, unreachable endpoints.
	 */
	public static ClientRegistration gateway() {
		return ClientRegistration.withRegistrationId(DiscoveredClientRegistrationRepository.REGISTRATION_ID)
			.clientId("porter-gateway")
			.clientSecret("secret")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://localhost/login/oauth2/code/auth0")
			.authorizationUri("http://idp/authorize")
			.tokenUri("http://idp/oauth/token")
			.build();
	}

}
