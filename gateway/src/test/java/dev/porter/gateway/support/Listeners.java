package dev.porter.gateway.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Whether a TCP port accepts connections on a given local address. On Linux every address
 * of 127.0.0.0/8 is local, so a listener bound to all interfaces accepts on 127.0.0.2
 * while one bound to 127.0.0.1 alone refuses there: that tells, without leaving loopback,
 * which address a server really bound.
 */
public final class Listeners {

	/** A loopback address that only a listener on all interfaces (or on it) answers. */
	public static final String OTHER_LOOPBACK = "127.0.0.2";

	private Listeners() {
	}

	public static boolean accepts(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
