package dev.porter.gateway.forwarded;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Believes forwarding headers only from a peer inside {@code TRUSTED_PROXIES}, and only
 * the family those proxies write ({@link ProxyHeaders}); from anyone else they are
 * removed, so neither the gateway (rate limits by client address, redirect URIs) nor the
 * upstreams it relays to see what a client claims about itself. Spring's own transformer
 * (and Boot's {@code server.forward-headers-strategy}) would believe every peer, and
 * would take the left-most — client-written — address as the client's.
 * <p>
 * Headers from a trusted proxy that cannot be read are not believed in part: the request
 * goes on without them, as from the peer, refused ({@link ForwardedHeaderRefusal}).
 */
class TrustedForwardedHeaderTransformer extends ForwardedHeaderTransformer {

	private final TrustedProxies trusted;

	private final ProxyHeaders believed;

	private final UntrustedProxyLog untrusted;

	private final ForwardedHeaderTransformer strip = new ForwardedHeaderTransformer();

	TrustedForwardedHeaderTransformer(TrustedProxies trusted, ProxyHeaders believed, UntrustedProxyLog untrusted) {
		this.trusted = trusted;
		this.believed = believed;
		this.untrusted = untrusted;
		this.strip.setRemoveOnly(true);
	}

	@Override
	public ServerHttpRequest apply(ServerHttpRequest request) {
		if (!hasForwardedHeaders(request)) {
			return request;
		}
		InetSocketAddress peer = request.getRemoteAddress();
		if (peer == null || peer.getAddress() == null) {
			return this.strip.apply(request);
		}
		if (!this.trusted.contains(peer.getAddress())) {
			this.untrusted.removed(peer.getAddress(), request.getHeaders());
			return this.strip.apply(request);
		}
		ServerHttpRequest fromTheProxy = this.believed.withoutTheOtherFamily(request);
		ServerHttpRequest forwarded = readOrNull(fromTheProxy);
		if (forwarded == null) {
			return new ForwardedHeaderRefusal(this.strip.apply(request), unreadableHeader(fromTheProxy));
		}
		InetAddress client = this.trusted.client(peer.getAddress(), ForwardedFor.addresses(fromTheProxy.getHeaders()));
		return forwarded.mutate().remoteAddress(new InetSocketAddress(client, 0)).build();
	}

	/**
	 * {@code request} as its forwarding headers describe it; {@code null} when Spring
	 * cannot read them (a port that is no number, a host or scheme that no URI holds,
	 * which it fails on) or they would change more than the scheme, host, port and
	 * prefix: a host such as {@code gateway.example/bff/logout} moved the path.
	 */
	private @Nullable ServerHttpRequest readOrNull(ServerHttpRequest request) {
		try {
			ServerHttpRequest forwarded = super.apply(request);
			// Spring rebuilds the URI, which on its own drops empty query pairs, groups a
			// repeated name and merges "//" in the path: compared with the request
			// rebuilt
			// alike, only what the headers moved differs.
			URI rebuilt = URI.create(UriComponentsBuilder.fromUri(request.getURI()).build().toUriString());
			boolean samePath = forwarded.getPath().pathWithinApplication().value().equals(rebuilt.getRawPath());
			boolean sameQuery = Objects.equals(forwarded.getURI().getRawQuery(), rebuilt.getRawQuery());
			if (!samePath || !sameQuery) {
				return null;
			}
			// The query as the client sent it, not as Spring rebuilt it.
			return forwarded.mutate().uri(withQuery(forwarded.getURI(), request.getURI().getRawQuery())).build();
		}
		catch (RuntimeException unreadable) {
			return null;
		}
	}

	private static URI withQuery(URI uri, @Nullable String rawQuery) {
		// No authority when Java reads no host in the Host header (an underscore in it).
		String withoutQuery = uri.getScheme() + ((uri.getRawAuthority() != null) ? "://" + uri.getRawAuthority() : ":")
				+ uri.getRawPath();
		return URI.create((rawQuery != null) ? withoutQuery + "?" + rawQuery : withoutQuery);
	}

	/**
	 * The first of the request's forwarding headers that cannot be read alone; the first
	 * it carries when each can.
	 */
	private String unreadableHeader(ServerHttpRequest request) {
		HttpHeaders headers = request.getHeaders();
		List<String> present = this.believed.names().stream().filter(headers::containsHeader).toList();
		for (String header : present) {
			ServerHttpRequest alone = request.mutate()
				.headers(
						(mutable) -> present.stream().filter((other) -> !other.equals(header)).forEach(mutable::remove))
				.build();
			if (readOrNull(alone) == null) {
				return header;
			}
		}
		return present.isEmpty() ? this.believed.names().get(0) : present.get(0);
	}

}
