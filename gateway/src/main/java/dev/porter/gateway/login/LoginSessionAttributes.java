package dev.porter.gateway.login;

/**
 * Names of the session attributes the login flow keeps between {@code /bff/login} and the
 * callback.
 */
final class LoginSessionAttributes {

	static final String RETURN_TO = "porter.login.returnTo";

	private LoginSessionAttributes() {
	}

}
