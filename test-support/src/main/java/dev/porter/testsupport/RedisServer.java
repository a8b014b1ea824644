package dev.porter.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away {@code redis-server} on a free loopback port, without persistence; stopped
 * by {@link #close()} and, as a safety net, when the JVM exits, so that a test never
 * leaves one running.
 */
public final class RedisServer implements AutoCloseable {

	private static final Duration GRACE = Duration.ofSeconds(10);

	private Process process;

	private Thread exitHook;

	private final int port;

	private RedisServer(Process process, int port) {
		this.process = process;
		this.exitHook = ChildProcesses.stopOnExit(process, GRACE);
		this.port = port;
	}

	/** On a free loopback port. */
	public static RedisServer start() throws IOException, InterruptedException {
		return startOn(freePort());
	}

	/** On a given port, e.g. one a service was told to use before Redis was up. */
	public static RedisServer startOn(int port) throws IOException, InterruptedException {
		RedisServer server = new RedisServer(launch(port), port);
		server.awaitPong(Duration.ofSeconds(10));
		return server;
	}

	/**
	 * Stops the server as an outage would (its data is gone: no persistence);
	 * {@link #restart()} brings an empty one back on the same port.
	 */
	public void stop() {
		close();
	}

	/** Starts an empty server on this server's port again, if it is not running. */
	public void restart() throws IOException, InterruptedException {
		if (this.process.isAlive()) {
			return;
		}
		this.process = launch(this.port);
		this.exitHook = ChildProcesses.stopOnExit(this.process, GRACE);
		awaitPong(Duration.ofSeconds(10));
	}

	private static Process launch(int port) throws IOException {
		return new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
	}

	/** The loopback port it listens on. */
	public int port() {
		return this.port;
	}

	/** Where clients reach it: {@code redis://127.0.0.1:<port>}. */
	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	private void awaitPong(Duration timeout) throws InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			if (pong()) {
				return;
			}
			// Polling a starting process; the deadline bounds it.
			TimeUnit.MILLISECONDS.sleep(50);
		}
		close();
		throw new IllegalStateException("redis-server did not answer PING within " + timeout);
	}

	private boolean pong() {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[7];
			int read = in.read(reply);
			return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** A loopback port nothing listens on now. */
	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Override
	public void close() {
		ChildProcesses.stop(this.process, GRACE, this.exitHook);
	}

}
