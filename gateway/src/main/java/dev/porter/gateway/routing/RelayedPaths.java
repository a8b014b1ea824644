package dev.porter.gateway.routing;

import java.util.List;

/**
 * The paths relayed to profile-service. {@link RelayHandlerMapping} hands them to the
 * relay and the security configuration gives them a chain of their own: one list, so that
 * no path is relayed without that chain.
 */
public final class RelayedPaths {

	/** Path patterns, as Spring's {@code PathPattern} reads them. */
	public static final List<String> PATTERNS = List.of("/me", "/me/**");

	private RelayedPaths() {
	}

}
