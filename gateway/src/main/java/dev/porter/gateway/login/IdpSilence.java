package dev.porter.gateway.login;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * An IdP that cannot be reached or does not answer in time, during a login, makes the
 * login fail like any other: Spring Security hands only authentication errors to the
 * failure handler ({@code /?login=failed}), and would let a
 * {@link WebClientRequestException} become a 500.
 */
final class IdpSilence {

	private IdpSilence() {
	}

	/**
	 * @param ex a {@link WebClientRequestException}, or the
	 * {@link java.util.concurrent.TimeoutException} of a call bounded as a whole
	 */
	static OAuth2AuthenticationException loginFailed(Throwable ex) {
		return new OAuth2AuthenticationException(
				new OAuth2Error(OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, "The identity provider did not answer", null),
				ex);
	}

	/**
	 * Any other error during the callback, e.g. the IdP's signing keys (needed to check
	 * the ID token) could not be fetched: {@code Could not obtain the keys}.
	 */
	static OAuth2AuthenticationException callbackFailed(Throwable ex) {
		return new OAuth2AuthenticationException(
				new OAuth2Error(OAuth2ErrorCodes.SERVER_ERROR, "The login could not be completed", null), ex);
	}

}
