package dev.porter.gateway.oidc;

import java.net.URI;
import java.util.Map;

import dev.porter.gateway.bff.BffProperties;
import dev.porter.gateway.oidc.OidcProperties;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;

/**
 * The single client registration {@code auth0}, built from lazily loaded discovery so
 * that nothing contacts the IdP at start-up. Explicit token, JWKS and userinfo URIs
 * override discovery's for server-to-server calls (inside docker compose the browser and
 * the gateway reach the IdP under different host names); the issuer and the authorization
 * endpoint stay what the browser sees.
 */
public class DiscoveredClientRegistrationRepository implements ReactiveClientRegistrationRepository {

	public static final String REGISTRATION_ID = "auth0";

	private final OidcDiscovery discovery;

	private final OidcProperties oidc;

	private final BffProperties bff;

	/** The registration last built, with the metadata it was built from. */
	private volatile @Nullable Built built;

	DiscoveredClientRegistrationRepository(OidcDiscovery discovery, OidcProperties oidc, BffProperties bff) {
		this.discovery = discovery;
		this.oidc = oidc;
		this.bff = bff;
	}

	@Override
	public Mono<ClientRegistration> findByRegistrationId(String registrationId) {
		if (!REGISTRATION_ID.equals(registrationId)) {
			return Mono.empty();
		}
		return this.discovery.metadata().map(this::registration);
	}

	/**
	 * The registration, or an error with a 503 problem while discovery is unavailable.
	 */
	public Mono<ClientRegistration> registration() {
		return findByRegistrationId(REGISTRATION_ID);
	}

	/**
	 * Built once per discovery result rather than per call: every relayed request asks
	 * for it (to rebuild the session's authorized client), and building it cost 4 % of a
	 * relayed request's CPU (bench/relay.sh, JFR). A registration is immutable.
	 */
	private ClientRegistration registration(Map<String, Object> metadata) {
		Built last = this.built;
		if (last != null && last.metadata() == metadata) {
			return last.registration();
		}
		ClientRegistration registration = build(metadata);
		this.built = new Built(metadata, registration);
		return registration;
	}

	private ClientRegistration build(Map<String, Object> metadata) {
		return ClientRegistration.withRegistrationId(REGISTRATION_ID)
			.clientId(this.oidc.clientId())
			.clientSecret(this.oidc.clientSecret())
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri(this.bff.baseUrl() + "/login/oauth2/code/" + REGISTRATION_ID)
			.scope(this.oidc.scopeList())
			.authorizationUri(string(metadata, "authorization_endpoint"))
			.tokenUri(override(this.oidc.tokenUri(), metadata, "token_endpoint"))
			.jwkSetUri(override(this.oidc.jwksUri(), metadata, "jwks_uri"))
			.userInfoUri(override(this.oidc.userinfoUri(), metadata, "userinfo_endpoint"))
			.userNameAttributeName(IdTokenClaimNames.SUB)
			.issuerUri(string(metadata, "issuer"))
			.providerConfigurationMetadata(withRevocationOverride(metadata))
			.clientName("Auth0")
			.build();
	}

	// The revocation endpoint is read from the provider metadata at logout; an explicit
	// back-channel URI replaces it.
	private Map<String, Object> withRevocationOverride(Map<String, Object> metadata) {
		URI revocation = this.oidc.revocationUri();
		if (revocation == null) {
			return metadata;
		}
		Map<String, Object> copy = new java.util.LinkedHashMap<>(metadata);
		copy.put("revocation_endpoint", revocation.toString());
		return copy;
	}

	private static @Nullable String override(@Nullable URI explicit, Map<String, Object> metadata, String name) {
		return (explicit != null) ? explicit.toString() : string(metadata, name);
	}

	private static @Nullable String string(Map<String, Object> metadata, String name) {
		return (metadata.get(name) instanceof String value) ? value : null;
	}

	private record Built(Map<String, Object> metadata, ClientRegistration registration) {
	}

}
