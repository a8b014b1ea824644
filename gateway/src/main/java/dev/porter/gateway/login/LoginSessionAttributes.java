package dev.porter.gateway.login;

/**
 * Names of what the login flow keeps between {@code /bff/login} and the callback: an
 * exchange attribute, then an attribute of the authorization request in the login cookie.
 */
final class LoginSessionAttributes {

	static final String RETURN_TO = "porter.login.returnTo";

	private LoginSessionAttributes() {
	}

}
