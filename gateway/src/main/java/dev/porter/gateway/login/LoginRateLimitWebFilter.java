package dev.porter.gateway.login;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;

import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.routing.UserRateLimiter;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * A budget per client address on {@code /bff/login} and the callback, the two endpoints
 * anyone can call without a session: over it, a 429 problem with {@code Retry-After},
 * answered before any login work (discovery, cookies, code exchange) is done. The address
 * is the peer's, or the client's as named by a trusted proxy ({@code TRUSTED_PROXIES}).
 * What another site's page sends here, but a top-level navigation, is refused before this
 * budget counts it (by the chain's {@code Sec-Fetch-*} check): any page could otherwise
 * spend the budget of everybody behind the user's address.
 */
class LoginRateLimitWebFilter implements WebFilter {

	static final String CALLBACK_PATH = "/login/oauth2/code/{registrationId}";

	private static final ServerWebExchangeMatcher MATCHER = ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET,
			BffLoginWebFilter.PATH, CALLBACK_PATH);

	private final UserRateLimiter limiter;

	private final AddressPseudonyms addresses;

	private final ProblemWriter problems;

	LoginRateLimitWebFilter(UserRateLimiter limiter, AddressPseudonyms addresses, ProblemWriter problems) {
		this.limiter = limiter;
		this.addresses = addresses;
		this.problems = problems;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return MATCHER.matches(exchange)
			.flatMap((match) -> match.isMatch() ? limit(exchange, chain) : chain.filter(exchange));
	}

	private Mono<Void> limit(ServerWebExchange exchange, WebFilterChain chain) {
		return this.limiter.consume("login:" + this.addresses.of(clientKey(exchange)))
			.flatMap((decision) -> decision.allowed() ? chain.filter(exchange)
					: this.problems.write(exchange, Problems.rateLimited(decision.retryAfter())));
	}

	/**
	 * The client's IPv4 address, or its IPv6 /64: one subscriber usually holds a whole
	 * /64, and a budget per address would give it 2^64 budgets.
	 */
	static String clientKey(ServerWebExchange exchange) {
		InetSocketAddress peer = exchange.getRequest().getRemoteAddress();
		InetAddress address = (peer != null) ? peer.getAddress() : null;
		if (address == null) {
			return "unknown";
		}
		if (address instanceof Inet6Address) {
			return HexFormat.of().formatHex(address.getAddress(), 0, 8) + "::/64";
		}
		return address.getHostAddress();
	}

}
