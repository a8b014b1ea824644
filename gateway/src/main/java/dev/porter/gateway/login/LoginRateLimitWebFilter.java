package dev.porter.gateway.login;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

import dev.porter.common.OncePerInterval;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.routing.UserRateLimiter;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * A budget per client address on {@code /bff/login} and the callback, the two endpoints
 * anyone can call without a session: over it, the login is refused before any login work
 * (discovery, cookies, code exchange) is done: a browser lands on {@code /?login=failed},
 * a script gets a 429 problem with {@code Retry-After} ({@link LoginRefusal}). The
 * address is the peer's, or the client's as named by a trusted proxy
 * ({@code TRUSTED_PROXIES}). What another site's page sends here, but a top-level
 * navigation, is refused before this budget counts it (by the chain's {@code Sec-Fetch-*}
 * check): any page could otherwise spend the budget of everybody behind the user's
 * address.
 * <p>
 * Refusals are logged at most once per {@link #REFUSALS_INTERVAL}, with a count and the
 * address last refused: an address of one's own load balancer there means it is missing
 * from {@code TRUSTED_PROXIES}, and all its visitors share one budget.
 */
class LoginRateLimitWebFilter implements WebFilter {

	static final Duration REFUSALS_INTERVAL = Duration.ofMinutes(1);

	private static final Logger log = LoggerFactory.getLogger(LoginRateLimitWebFilter.class);

	private final UserRateLimiter limiter;

	private final AddressPseudonyms addresses;

	private final LoginRefusal refusal;

	private final OncePerInterval refusals;

	LoginRateLimitWebFilter(UserRateLimiter limiter, AddressPseudonyms addresses, LoginRefusal refusal, Clock clock) {
		this.limiter = limiter;
		this.addresses = addresses;
		this.refusal = refusal;
		this.refusals = OncePerInterval.of(REFUSALS_INTERVAL, clock);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return LoginPaths.LOGIN_OR_CALLBACK.matches(exchange)
			.flatMap((match) -> match.isMatch() ? limit(exchange, chain) : chain.filter(exchange));
	}

	private Mono<Void> limit(ServerWebExchange exchange, WebFilterChain chain) {
		InetAddress client = clientAddress(exchange);
		return this.limiter.consume("login:" + this.addresses.of(clientKey(client))).flatMap((decision) -> {
			if (decision.allowed()) {
				return chain.filter(exchange);
			}
			refused(client);
			return this.refusal.refuse(exchange, Problems.rateLimited(decision.retryAfter()));
		});
	}

	private void refused(@Nullable InetAddress client) {
		long count = this.refusals.count();
		if (count > 0) {
			log.warn("login over its rate limit (LOGIN_RATE_LIMIT per LOGIN_RATE_LIMIT_PERIOD) from {}, refused; "
					+ "{} refused since the last report; if that is your load balancer's or ingress's address, "
					+ "add it to TRUSTED_PROXIES", shown(client), count);
		}
	}

	static String clientKey(ServerWebExchange exchange) {
		return clientKey(clientAddress(exchange));
	}

	/**
	 * The client's IPv4 address, or its IPv6 /64: one subscriber usually holds a whole
	 * /64, and a budget per address would give it 2^64 budgets. The key's spelling is the
	 * budget's name in the store; changing it starts every budget afresh.
	 */
	private static String clientKey(@Nullable InetAddress address) {
		if (address == null) {
			return "unknown";
		}
		if (address instanceof Inet6Address) {
			return HexFormat.of().formatHex(address.getAddress(), 0, 8) + "::/64";
		}
		return address.getHostAddress();
	}

	/**
	 * The client as an operator would write it in {@code TRUSTED_PROXIES}: its address,
	 * and for IPv6 also the /64 whose budget it spent (the budget key, as hex digits, is
	 * no address that setting takes).
	 */
	private static String shown(@Nullable InetAddress address) {
		if (address == null) {
			return "an unknown address";
		}
		if (!(address instanceof Inet6Address)) {
			return NetUtil.toAddressString(address);
		}
		return NetUtil.toAddressString(address) + " (its budget is its /64's, " + slash64(address) + ")";
	}

	private static String slash64(InetAddress address) {
		byte[] network = Arrays.copyOf(address.getAddress(), 16);
		Arrays.fill(network, 8, 16, (byte) 0);
		try {
			return NetUtil.toAddressString(InetAddress.getByAddress(network)) + "/64";
		}
		catch (UnknownHostException ex) {
			// 16 bytes are always an address
			throw new IllegalStateException(ex);
		}
	}

	private static @Nullable InetAddress clientAddress(ServerWebExchange exchange) {
		InetSocketAddress peer = exchange.getRequest().getRemoteAddress();
		return (peer != null) ? peer.getAddress() : null;
	}

}
