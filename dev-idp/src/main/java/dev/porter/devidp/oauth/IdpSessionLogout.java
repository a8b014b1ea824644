package dev.porter.devidp.oauth;

import dev.porter.devidp.backchannel.LogoutTokenSender;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.oidc.web.authentication.OidcLogoutAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;

/**
 * Ends a browser's IdP session, for every logout endpoint ({@code /v2/logout},
 * {@code /oidc/logout} with or without a hint): starts a back-channel logout to each
 * application that signed in through the session, as Auth0 does, then forgets the user
 * and invalidates the session. The deliveries run in the background: the browser's
 * redirect never waits for them.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html">OpenID
 * Connect Back-Channel Logout 1.0</a>
 */
final class IdpSessionLogout implements LogoutHandler {

	private final SessionSignIns signIns;

	private final LogoutTokenSender sender;

	private final SecurityContextLogoutHandler securityContext = new SecurityContextLogoutHandler();

	IdpSessionLogout(SessionSignIns signIns, LogoutTokenSender sender) {
		this.signIns = signIns;
		this.sender = sender;
	}

	@Override
	public void logout(HttpServletRequest request, HttpServletResponse response,
			@Nullable Authentication authentication) {
		// The sid comes from the session's id, so it is read before the session goes.
		HttpSession session = request.getSession(false);
		if (session != null) {
			String sid = SigningInSession.sid(session.getId());
			this.signIns.end(sid).forEach((signIn) -> this.sender.send(signIn.clientId(), sid, signIn.subject()));
		}
		this.securityContext.logout(request, response, authentication);
	}

	/**
	 * The response of Spring Authorization Server's {@code /oidc/logout} (with
	 * {@code id_token_hint}), ending the session here. Like its default, it ends the
	 * session only when the browser's user is signed in.
	 */
	AuthenticationSuccessHandler oidcLogoutResponse() {
		OidcLogoutAuthenticationSuccessHandler response = new OidcLogoutAuthenticationSuccessHandler();
		response.setLogoutHandler((request, servletResponse, authentication) -> {
			if (authentication instanceof OidcLogoutAuthenticationToken logout && logout.isPrincipalAuthenticated()
					&& logout.getPrincipal() instanceof Authentication user) {
				logout(request, servletResponse, user);
			}
		});
		return response;
	}

}
