package dev.porter.gateway.routing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server that answers byte for byte what its script says, so that a
 * test can play an upstream no real server would be: one that sends an interim answer the
 * relay did not ask for, or cuts a body short. Requests are read one after another on
 * each keep-alive connection (their heads only: the relay's requests here carry no body),
 * and each gets what the script gives for its number.
 */
final class ScriptedUpstream implements AutoCloseable {

	/** What the upstream does with one request. */
	@FunctionalInterface
	interface Script {

		/**
		 * Answers request number {@code request} (from 1) on {@code out}; closes
		 * {@code connection} to end it.
		 */
		void answer(int request, OutputStream out, Socket connection) throws IOException, InterruptedException;

	}

	private final ServerSocket listener;

	private final AtomicInteger requests = new AtomicInteger();

	private volatile Script script = (request, out, connection) -> connection.close();

	ScriptedUpstream() {
		try {
			this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		daemon(this::accept).start();
	}

	int port() {
		return this.listener.getLocalPort();
	}

	/** Answers with {@code script} from now on, numbering requests from 1 again. */
	void answer(Script script) {
		this.requests.set(0);
		this.script = script;
	}

	static void write(OutputStream out, String bytes) throws IOException {
		out.write(bytes.getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			try {
				Socket connection = this.listener.accept();
				daemon(() -> serve(connection)).start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket connection) {
		try (connection) {
			InputStream in = connection.getInputStream();
			OutputStream out = connection.getOutputStream();
			while (!connection.isClosed() && readHead(in)) {
				this.script.answer(this.requests.incrementAndGet(), out, connection);
			}
		}
		catch (IOException | InterruptedException ex) {
			// the relay closed the connection: nothing left to answer
		}
	}

	/** Reads a request's head; false once the connection has ended. */
	private static boolean readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
		int matched = 0;
		while (matched < end.length) {
			int next = in.read();
			if (next < 0) {
				return false;
			}
			head.write(next);
			matched = (next == end[matched]) ? matched + 1 : ((next == end[0]) ? 1 : 0);
		}
		return true;
	}

	private static Thread daemon(Runnable task) {
		Thread thread = new Thread(task, "scripted-upstream");
		thread.setDaemon(true);
		return thread;
	}

	@Override
	public void close() throws IOException {
		this.listener.close();
	}

}
