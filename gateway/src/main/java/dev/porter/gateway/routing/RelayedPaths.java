package dev.porter.gateway.routing;

import java.util.List;

import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The paths relayed to profile-service. The {@link RelayHandler} answers them and the
 * security configuration gives them a chain of their own: one list, so that no path is
 * relayed without that chain.
 */
public final class RelayedPaths {

	/** Path patterns, as Spring's {@code PathPattern} reads them. */
	public static final List<String> PATTERNS = List.of("/me", "/me/**");

	private static final List<PathPattern> PARSED = PATTERNS.stream()
		.map(PathPatternParser.defaultInstance::parse)
		.toList();

	private RelayedPaths() {
	}

	/**
	 * Whether a request is relayed, by its path within the application. A plain loop
	 * rather than a chain of reactive matchers: every request asks, and the answer never
	 * waits on anything.
	 */
	public static boolean matches(ServerWebExchange exchange) {
		PathContainer pathWithinApplication = exchange.getRequest().getPath().pathWithinApplication();
		for (PathPattern pattern : PARSED) {
			if (pattern.matches(pathWithinApplication)) {
				return true;
			}
		}
		return false;
	}

}
