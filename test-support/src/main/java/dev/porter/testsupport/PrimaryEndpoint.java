package dev.porter.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback address in front of Redis servers that leads each new connection to the
 * server it names at that moment, as a managed Redis's primary endpoint (a DNS name such
 * as ElastiCache's) does: a failover makes it name the new primary, while the connections
 * already open stay with the node they reached, now a replica.
 */
public final class PrimaryEndpoint implements AutoCloseable {

	private final ServerSocket listener;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile int target;

	private PrimaryEndpoint(ServerSocket listener, int target) {
		this.listener = listener;
		this.target = target;
	}

	/** On a free loopback port, naming the server on loopback {@code port}. */
	public static PrimaryEndpoint to(int port) throws IOException {
		PrimaryEndpoint endpoint = new PrimaryEndpoint(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), port);
		daemon("endpoint accept " + endpoint.port(), endpoint::accept).start();
		return endpoint;
	}

	public int port() {
		return this.listener.getLocalPort();
	}

	/** Where clients reach it: {@code redis://127.0.0.1:<port>}. */
	public String url() {
		return "redis://127.0.0.1:" + port();
	}

	/** From now on, new connections reach the server on loopback {@code port}. */
	public void pointTo(int port) {
		this.target = port;
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			try {
				Socket client = this.listener.accept();
				this.sockets.add(client);
				connect(client);
			}
			catch (IOException ex) {
				// closed by close()
			}
		}
	}

	/**
	 * Joins {@code client} to the server named now; closes it when none listens there.
	 */
	private void connect(Socket client) {
		try {
			Socket server = new Socket(InetAddress.getLoopbackAddress(), this.target);
			this.sockets.add(server);
			daemon("endpoint up", () -> pump(client, server)).start();
			daemon("endpoint down", () -> pump(server, client)).start();
		}
		catch (IOException ex) {
			closeQuietly(client);
		}
	}

	/** Copies from {@code from} to {@code to} until one side closes, then closes both. */
	private static void pump(Socket from, Socket to) {
		byte[] buffer = new byte[8192];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// a side closed
		}
		closeQuietly(from);
		closeQuietly(to);
	}

	private static Thread daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	/** Closes the listener and every connection. */
	@Override
	public void close() {
		closeQuietly(this.listener);
		this.sockets.forEach(PrimaryEndpoint::closeQuietly);
	}

	private static void closeQuietly(AutoCloseable socket) {
		try {
			socket.close();
		}
		catch (Exception ex) {
			// closing anyway
		}
	}

}
