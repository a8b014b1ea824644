package dev.porter.gateway.forwarded;

import java.net.InetAddress;
import java.util.List;

/** The configured proxies whose forwarding headers are believed. */
record TrustedProxies(List<Cidr> blocks) {

	TrustedProxies {
		blocks = List.copyOf(blocks);
	}

	boolean isEmpty() {
		return this.blocks.isEmpty();
	}

	boolean contains(InetAddress address) {
		return this.blocks.stream().anyMatch((block) -> block.contains(address));
	}

	/**
	 * The client behind a chain of hops: walking from the peer back along the forwarded
	 * addresses (nearest last), the first address that is not a trusted proxy. Addresses
	 * left of it were written by the client itself and prove nothing. A hop that is not
	 * an IP literal ends the walk at the proxy that reported it.
	 * @param peer the address that connected to the gateway
	 * @param forwarded the forwarded-for addresses, client first, as received
	 */
	InetAddress client(InetAddress peer, List<String> forwarded) {
		InetAddress current = peer;
		for (int i = forwarded.size() - 1; i >= 0 && contains(current); i--) {
			InetAddress hop = Cidr.literal(forwarded.get(i));
			if (hop == null) {
				return current;
			}
			current = hop;
		}
		return current;
	}

}
