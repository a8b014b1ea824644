package dev.porter.gateway.token;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.web.server.ServerWebExchange;

/**
 * The access token a relayed request carries upstream, handed from
 * {@link TokenRelayFilter} to the relay's upstream call as an exchange attribute. Setting
 * it on a changed request instead copied every header of every relayed request, while the
 * upstream call builds the upstream's headers anyway (docs/benchmarks.md, seventh round).
 */
public final class RelayedToken {

	/**
	 * What the browser sent to prove who it is, in lower case. The API is never sent
	 * these: it trusts only the relayed token.
	 */
	public static final Set<String> BROWSER_CREDENTIALS = Set.of("cookie", "authorization", "x-xsrf-token");

	private static final String ATTRIBUTE = RelayedToken.class.getName();

	private RelayedToken() {
	}

	static void relay(ServerWebExchange exchange, String accessToken) {
		exchange.getAttributes().put(ATTRIBUTE, "Bearer " + accessToken);
	}

	/**
	 * The {@code Authorization} header to send upstream, or {@code null} when no token
	 * was relayed.
	 */
	public static @Nullable String authorization(ServerWebExchange exchange) {
		return exchange.getAttribute(ATTRIBUTE);
	}

}
