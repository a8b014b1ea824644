package dev.porter.gateway.forwarded;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import dev.porter.common.OncePerInterval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;

/**
 * Warns, at most once per {@link #INTERVAL} with a count, when a peer on a private
 * address that is not in {@code TRUSTED_PROXIES} sends forwarding headers: most likely
 * the operator's own load balancer or ingress, left out. Its headers are removed as any
 * untrusted peer's, and the login rate limit then counts every visitor behind it as its
 * one address: users meet 429s, and nothing else would say why. A public peer's headers
 * are anyone's to forge and are removed without a word. The line names the headers, never
 * their values, which the client wrote.
 */
final class UntrustedProxyLog {

	static final Duration INTERVAL = Duration.ofMinutes(10);

	private static final Logger log = LoggerFactory.getLogger(TrustedForwardedHeaderTransformer.class);

	private static final List<String> FORWARDING_HEADERS = Stream
		.concat(ProxyHeaders.FORWARDED.names().stream(), ProxyHeaders.X_FORWARDED.names().stream())
		.toList();

	private final OncePerInterval removed;

	UntrustedProxyLog(Clock clock) {
		this.removed = OncePerInterval.of(INTERVAL, clock);
	}

	/**
	 * Counts a request from an untrusted {@code peer} whose forwarding headers are
	 * removed.
	 */
	void removed(InetAddress peer, HttpHeaders headers) {
		if (!isPrivate(peer)) {
			return;
		}
		long count = this.removed.count();
		if (count > 0) {
			List<String> names = FORWARDING_HEADERS.stream().filter(headers::containsHeader).toList();
			log.warn("forwarding headers {} from {}, a private address not in TRUSTED_PROXIES, were removed; "
					+ "if it is your load balancer or ingress, add it to TRUSTED_PROXIES: the login rate limit "
					+ "and logs use the client's address only from a trusted proxy, and count every visitor behind "
					+ "it as {} until then; {} such requests since the last report", names, peer.getHostAddress(),
					peer.getHostAddress(), count);
		}
	}

	/**
	 * Loopback, link-local, RFC 1918, RFC 6598 shared (some platforms' pod and balancer
	 * networks) and IPv6 unique-local (fc00::/7) addresses: where a proxy of one's own
	 * sits.
	 */
	static boolean isPrivate(InetAddress address) {
		if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()) {
			return true;
		}
		byte[] bytes = address.getAddress();
		if (address instanceof Inet4Address) {
			return (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64;
		}
		return address instanceof Inet6Address && (bytes[0] & 0xfe) == 0xfc;
	}

}
