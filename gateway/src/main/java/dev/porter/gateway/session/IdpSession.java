package dev.porter.gateway.session;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * The IdP session a login belongs to: its user, and the {@code sid} of its ID token when
 * the IdP sends one. One browser signs in again within the same IdP session (single
 * sign-on), so two of its sessions may share one: a session ended while another of its
 * IdP session goes on (the login that replaced it, the session ending it from
 * {@code /bff/sessions}) keeps its refresh token unrevoked. Keycloak keeps one client
 * session per IdP session and client, which both logins' refresh tokens belong to, and a
 * revocation ends that client session: the session going on would fail its next refresh.
 * Without a {@code sid} no two logins are known to share one.
 */
public record IdpSession(String sub, @Nullable String sid) {

	public static IdpSession of(OidcUser user) {
		return new IdpSession(user.getSubject(), user.getIdToken().getClaimAsString("sid"));
	}

	/** Whether a login of {@code sub} within {@code sid} belongs to this IdP session. */
	public boolean includes(String sub, @Nullable String sid) {
		return this.sid != null && this.sid.equals(sid) && this.sub.equals(sub);
	}

}
