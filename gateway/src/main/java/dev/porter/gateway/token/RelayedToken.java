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
		exchange.getAttributes().put(ATTRIBUTE, new BearerValue(accessToken));
	}

	/** The access token relayed, or {@code null} when none was. */
	static @Nullable String token(ServerWebExchange exchange) {
		return (exchange.getAttribute(ATTRIBUTE) instanceof BearerValue bearer) ? bearer.token() : null;
	}

	/**
	 * The {@code Authorization} header's value to send upstream, or {@code null} when no
	 * token was relayed. Netty writes it character by character, so it is not a string.
	 */
	public static @Nullable CharSequence authorization(ServerWebExchange exchange) {
		return exchange.getAttribute(ATTRIBUTE);
	}

	/**
	 * {@code Bearer <token>} read in place: a concatenated string copied the whole token
	 * (an Auth0 access token is about a kilobyte) on every relayed request, 1.8 % of the
	 * gateway's allocation (docs/benchmarks.md, twentieth round).
	 */
	private record BearerValue(String token) implements CharSequence {

		private static final String SCHEME = "Bearer ";

		@Override
		public int length() {
			return SCHEME.length() + this.token.length();
		}

		@Override
		public char charAt(int index) {
			if (index < 0 || index >= length()) {
				throw new IndexOutOfBoundsException(index);
			}
			return (index < SCHEME.length()) ? SCHEME.charAt(index) : this.token.charAt(index - SCHEME.length());
		}

		@Override
		public CharSequence subSequence(int start, int end) {
			return toString().substring(start, end);
		}

		@Override
		public String toString() {
			return SCHEME + this.token;
		}

	}

}
