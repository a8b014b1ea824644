package dev.porter.gateway.forwarded;

import java.net.InetAddress;

import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a
 * block of one.
 *
 * @param network the block's address bytes
 * @param prefixLength how many leading bits must match
 */
record Cidr(byte[] network, int prefixLength) {

	Cidr {
		if (prefixLength < 0 || prefixLength > network.length * 8) {
			throw new IllegalArgumentException("prefix length out of range");
		}
	}

	/** Parses {@code address[/prefix]}; throws for anything else. */
	static Cidr parse(String text) {
		String trimmed = text.strip();
		int slash = trimmed.indexOf('/');
		InetAddress address = literal((slash < 0) ? trimmed : trimmed.substring(0, slash));
		if (address == null) {
			throw new IllegalArgumentException("not an IP address or CIDR: " + text);
		}
		int bits = address.getAddress().length * 8;
		int prefix = (slash < 0) ? bits : Integer.parseInt(trimmed.substring(slash + 1));
		return new Cidr(address.getAddress(), prefix);
	}

	/** The address an IP literal names, or {@code null} for anything else (never DNS). */
	static @Nullable InetAddress literal(String text) {
		String bare = (text.startsWith("[") && text.endsWith("]")) ? text.substring(1, text.length() - 1) : text;
		// Netty's parser only reads literals; InetAddress.getByName would resolve a
		// hex-only name such as "ab.cd.beef.cafe" through DNS, on an event loop.
		return NetUtil.createInetAddressFromIpAddressString(bare);
	}

	boolean contains(InetAddress address) {
		byte[] candidate = address.getAddress();
		if (candidate.length != this.network.length) {
			return false;
		}
		int full = this.prefixLength / 8;
		for (int i = 0; i < full; i++) {
			if (candidate[i] != this.network[i]) {
				return false;
			}
		}
		int rest = this.prefixLength % 8;
		if (rest == 0) {
			return true;
		}
		int mask = (0xff << (8 - rest)) & 0xff;
		return (candidate[full] & mask) == (this.network[full] & mask);
	}

}
