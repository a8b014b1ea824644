package dev.porter.gateway.session;

import java.time.Instant;

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
 * <p>
 * An IdP session the IdP logged out goes on nowhere, though the back-channel logout may
 * not have ended all of its gateway sessions yet ({@link SessionRegistry#loggedOut}):
 * there every session's refresh token is revoked, which at Keycloak ends nothing that
 * survives.
 *
 * @param since when the login is known to have been within it, on the IdP's clock (when
 * its callback began, or its ID token's {@code iat}): a logout of the user issued earlier
 * ended an earlier IdP session of theirs, not this one
 */
public record IdpSession(String sub, @Nullable String sid, Instant since) {

	/** The IdP session of a signed-in user, known since their ID token was issued. */
	public static IdpSession of(OidcUser user) {
		return new IdpSession(user.getSubject(), user.getIdToken().getClaimAsString("sid"),
				issuedAtOrEarliest(user.getIdToken().getIssuedAt()));
	}

	/** The IdP session of a session's login, known since its ID token was issued. */
	public static IdpSession of(LoginUser user) {
		return new IdpSession(user.sub(), user.sid(), issuedAtOrEarliest(user.issuedAt()));
	}

	/** Whether a login of {@code sub} within {@code sid} belongs to this IdP session. */
	public boolean includes(String sub, @Nullable String sid) {
		return this.sid != null && this.sid.equals(sid) && this.sub.equals(sub);
	}

	/**
	 * When an ID token was issued; without an {@code iat} (Spring Security requires one),
	 * as early as can be, so that any logout recorded ends the IdP session.
	 */
	public static Instant issuedAtOrEarliest(@Nullable Instant issuedAt) {
		return (issuedAt != null) ? issuedAt : Instant.EPOCH;
	}

}
