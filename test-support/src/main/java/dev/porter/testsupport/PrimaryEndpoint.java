package dev.porter.testsupport;

import java.io.IOException;

/**
 * A loopback address in front of Redis servers that leads each new connection to the
 * server it names at that moment, as a managed Redis's primary endpoint (a DNS name such
 * as ElastiCache's) does: a failover makes it name the new primary, while the connections
 * already open stay with the node they reached, now a replica.
 */
public final class PrimaryEndpoint implements AutoCloseable {

	private final VanishingProxy proxy;

	private PrimaryEndpoint(VanishingProxy proxy) {
		this.proxy = proxy;
	}

	/** On a free loopback port, naming the server on loopback {@code port}. */
	public static PrimaryEndpoint to(int port) throws IOException {
		return new PrimaryEndpoint(VanishingProxy.to(port));
	}

	public int port() {
		return this.proxy.port();
	}

	/** Where clients reach it: {@code redis://127.0.0.1:<port>}. */
	public String url() {
		return "redis://127.0.0.1:" + port();
	}

	/** From now on, new connections reach the server on loopback {@code port}. */
	public void pointTo(int port) {
		this.proxy.pointTo(port);
	}

	/** Closes the listener and every connection. */
	@Override
	public void close() {
		this.proxy.close();
	}

}
