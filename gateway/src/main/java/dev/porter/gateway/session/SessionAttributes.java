package dev.porter.gateway.session;

/** Names of the session attributes other features share. */
public final class SessionAttributes {

	/** Epoch milliseconds of the login; the absolute lifetime counts from here. */
	public static final String AUTHENTICATED_AT = "porter.session.authenticatedAt";

	private SessionAttributes() {
	}

}
