package dev.porter.profile.problem;

import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;

/**
 * A request's endpoint as a log line names it: its method and its route's template, never
 * the request's own path, which is the caller's to write.
 */
public final class RoutedEndpoints {

	/** Before routing (during the token check, say) a request has no template yet. */
	static final String NOT_ROUTED = "(not routed)";

	private RoutedEndpoints() {
	}

	/** {@code PATCH /me/metadata}, or {@code PATCH (not routed)}. */
	public static String of(ServerWebExchange exchange) {
		Object pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		return exchange.getRequest().getMethod().name() + " "
				+ ((pattern instanceof PathPattern template) ? template.getPatternString() : NOT_ROUTED);
	}

}
