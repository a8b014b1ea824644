package dev.porter.gateway.login;

import dev.porter.gateway.problem.Problems;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * Where a login happens: its start ("Sign in") and the IdP's callback, the two endpoints
 * anyone can call without a session. The login's filters and guards all name them from
 * here.
 */
final class LoginPaths {

	/** Where a login starts. */
	static final String LOGIN = Problems.LOGIN_URL;

	/**
	 * What the callback's path starts with, for a check that costs no more than a string
	 * comparison.
	 */
	static final String CALLBACK_PREFIX = "/login/oauth2/code/";

	/** Where the IdP sends the browser back, with a code or an error. */
	static final String CALLBACK = CALLBACK_PREFIX + "{registrationId}";

	/**
	 * A login's requests: a {@code GET} of its start or of the callback (the IdP returns
	 * with a {@code GET}).
	 */
	static final ServerWebExchangeMatcher LOGIN_OR_CALLBACK = ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET,
			LOGIN, CALLBACK);

	private LoginPaths() {
	}

}
