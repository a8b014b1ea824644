package dev.porter.devidp.oauth;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

/**
 * Which applications each IdP session signed in to: those that were issued an ID token
 * naming the session's {@code sid}, and the {@code sub} it named. What Auth0 consults to
 * send back-channel logout tokens when the session ends. In memory; a session that
 * expires without a logout leaves its few entries behind until restart.
 */
final class SessionSignIns {

	private final Map<String, Set<SignIn>> bySid = new ConcurrentHashMap<>();

	/**
	 * Notes the client and subject of an authorization that holds an ID token with a sid.
	 */
	void record(OAuth2Authorization authorization) {
		OAuth2Authorization.Token<OidcIdToken> idToken = authorization.getToken(OidcIdToken.class);
		if (idToken == null) {
			return;
		}
		String sid = idToken.getToken().getClaimAsString("sid");
		String subject = idToken.getToken().getSubject();
		if (sid != null && subject != null) {
			// SeedClients registers each client under its client id, so that is what
			// the authorization names.
			this.bySid.computeIfAbsent(sid, (key) -> ConcurrentHashMap.newKeySet())
				.add(new SignIn(authorization.getRegisteredClientId(), subject));
		}
	}

	/**
	 * Forgets the session and returns what signed in through it; empty when nothing did.
	 */
	Set<SignIn> end(String sid) {
		Set<SignIn> signIns = this.bySid.remove(sid);
		return (signIns != null) ? Set.copyOf(signIns) : Set.of();
	}

	/** One application a session signed in to, and the user's {@code sub} it was told. */
	record SignIn(String clientId, String subject) {
	}

}
