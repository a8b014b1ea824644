package dev.porter.gateway.forwarded;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;

/**
 * Believes forwarding headers only from a peer inside {@code TRUSTED_PROXIES}, and only
 * the family those proxies write ({@link ProxyHeaders}); from anyone else they are
 * removed, so neither the gateway (rate limits by client address, redirect URIs) nor the
 * upstreams it relays to see what a client claims about itself. Spring's own transformer
 * (and Boot's {@code server.forward-headers-strategy}) would believe every peer, and
 * would take the left-most — client-written — address as the client's.
 */
class TrustedForwardedHeaderTransformer extends ForwardedHeaderTransformer {

	private final TrustedProxies trusted;

	private final ProxyHeaders believed;

	private final ForwardedHeaderTransformer strip = new ForwardedHeaderTransformer();

	TrustedForwardedHeaderTransformer(TrustedProxies trusted, ProxyHeaders believed) {
		this.trusted = trusted;
		this.believed = believed;
		this.strip.setRemoveOnly(true);
	}

	@Override
	public ServerHttpRequest apply(ServerHttpRequest request) {
		if (!hasForwardedHeaders(request)) {
			return request;
		}
		InetSocketAddress peer = request.getRemoteAddress();
		if (peer == null || peer.getAddress() == null || !this.trusted.contains(peer.getAddress())) {
			return this.strip.apply(request);
		}
		ServerHttpRequest fromTheProxy = this.believed.withoutTheOtherFamily(request);
		InetAddress client = this.trusted.client(peer.getAddress(), ForwardedFor.addresses(fromTheProxy.getHeaders()));
		return super.apply(fromTheProxy).mutate().remoteAddress(new InetSocketAddress(client, 0)).build();
	}

}
