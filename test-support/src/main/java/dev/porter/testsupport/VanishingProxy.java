package dev.porter.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy to a server, whose connections can go silent the way connections
 * to a vanished host do: nothing more is forwarded either way, and nothing is closed.
 * <p>
 * That is what a client meets when its server's host dies without sending a reset (a node
 * that fails, a pod rescheduled behind an address whose connection tracking still points
 * at the old one): its socket stays open, what it writes is never answered, and only its
 * own kernel ends the connection, after some fifteen minutes of retransmissions. A server
 * that is stopped closes its connections instead ({@code RedisServer.stop()}); this is
 * the other way a dependency goes away. It can also be pointed at another server
 * ({@link #pointTo}), as an address that names a new host does.
 */
public final class VanishingProxy implements AutoCloseable {

	private final ServerSocket listener;

	/** Where new connections go; the ones open stay with the server they reached. */
	private volatile int target;

	private final List<Link> links = new CopyOnWriteArrayList<>();

	private final AtomicInteger accepted = new AtomicInteger();

	/** Whether new connections reach the server; the ones they silenced stay silent. */
	private volatile boolean reachable = true;

	private VanishingProxy(ServerSocket listener, int target) {
		this.listener = listener;
		this.target = target;
	}

	/** On a free loopback port, forwarding to {@code port} on loopback. */
	public static VanishingProxy to(int port) throws IOException {
		VanishingProxy proxy = new VanishingProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), port);
		daemon("proxy accept " + proxy.port(), proxy::accept).start();
		return proxy;
	}

	public int port() {
		return this.listener.getLocalPort();
	}

	/** Connections accepted so far, silent ones included. */
	public int connectionsAccepted() {
		return this.accepted.get();
	}

	/** Connections gone silent that their client has not closed yet. */
	public int silentConnectionsOpen() {
		return (int) this.links.stream().filter((link) -> link.silent && !link.client.isClosed()).count();
	}

	/**
	 * The server's host vanishes: every connection open now goes silent for good, and new
	 * ones are accepted and go silent too, until {@link #serverBack()}.
	 */
	public void vanish() {
		this.reachable = false;
		this.links.forEach(Link::silence);
	}

	/**
	 * The server is back behind the same address: new connections reach it again, while
	 * those that went silent stay silent (their peer is gone for good).
	 */
	public void serverBack() {
		this.reachable = true;
	}

	/**
	 * From now on, new connections reach the server on loopback {@code port}, while those
	 * open stay with the one they reached (an address that now names another host).
	 */
	public void pointTo(int port) {
		this.target = port;
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			try {
				Socket client = this.listener.accept();
				this.accepted.incrementAndGet();
				Link link = new Link(client);
				this.links.add(link);
				if (this.reachable) {
					link.forward(this.target);
				}
				else {
					link.silence();
					daemon("proxy drain", () -> pump(client, null, link)).start();
				}
			}
			catch (IOException ex) {
				// closed by close()
			}
		}
	}

	/**
	 * Copies from {@code from} to {@code to} while the link is not silent; once it is,
	 * reads and drops what arrives (a black hole, not a closed door).
	 */
	private static void pump(Socket from, Socket to, Link link) {
		byte[] buffer = new byte[8192];
		try (InputStream in = from.getInputStream()) {
			OutputStream out = (to != null) ? to.getOutputStream() : null;
			int read;
			while ((read = in.read(buffer)) >= 0) {
				if (!link.silent && out != null) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
		}
		catch (IOException ex) {
			// a side closed: the link ends below
		}
		link.ended(from);
	}

	private static Thread daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	/** Closes the listener and every connection, silent ones included. */
	@Override
	public void close() {
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		this.links.forEach(Link::close);
	}

	private static final class Link {

		private final Socket client;

		private volatile Socket server;

		volatile boolean silent;

		Link(Socket client) {
			this.client = client;
		}

		/**
		 * Joins the client to the server on loopback {@code port}; closes it when none
		 * listens there, as a host refusing the connection would.
		 */
		void forward(int port) {
			Socket server;
			try {
				server = new Socket(InetAddress.getLoopbackAddress(), port);
			}
			catch (IOException ex) {
				close();
				return;
			}
			this.server = server;
			daemon("proxy up", () -> pump(this.client, server, this)).start();
			daemon("proxy down", () -> pump(server, this.client, this)).start();
		}

		void silence() {
			this.silent = true;
		}

		/**
		 * One side closed: a client gone ends the link; a server gone ends it only while
		 * it is not silent, since the client of a silent one must never hear of it.
		 */
		void ended(Socket side) {
			if (side == this.client || !this.silent) {
				close();
			}
			else {
				closeQuietly(this.server);
			}
		}

		void close() {
			closeQuietly(this.client);
			closeQuietly(this.server);
		}

		private static void closeQuietly(Socket socket) {
			if (socket == null) {
				return;
			}
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}

	}

}
