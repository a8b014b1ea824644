package dev.porter.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A TCP connection to a local server, driven byte by byte, for what a server does with a
 * connection no HTTP client would keep, or a request no HTTP client would send: one that
 * sends nothing, a request head that never ends, an idle connection after an answer, a
 * body longer or shorter than its {@code Content-Length}, a GET with a chunked body.
 * Tells whether the server closed it within a patience, or what it answered; how fast is
 * not its business.
 */
public final class RawConnection implements AutoCloseable {

	private final Socket socket;

	private RawConnection(Socket socket) {
		this.socket = socket;
	}

	public static RawConnection open(int port) {
		try {
			return new RawConnection(new Socket("127.0.0.1", port));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Opens a connection, sends {@code request} (request line, headers and framed body)
	 * and reads the answer, waiting at most {@code patience} for it; then closes the
	 * connection.
	 */
	public static Answer exchange(int port, String request, Duration patience) {
		try (RawConnection connection = open(port)) {
			connection.send(request);
			return new Answer(connection.readAnswerHead(patience));
		}
	}

	/**
	 * The end of a request: a true {@code Content-Length} header, the blank line that
	 * ends the head, and {@code body}.
	 */
	public static String sized(String body) {
		return "Content-Length: " + bytes(body).length + "\r\n\r\n" + body;
	}

	/**
	 * The end of a request: a {@code Transfer-Encoding: chunked} header, the blank line
	 * that ends the head, and {@code body} as one chunk and the last, empty one.
	 */
	public static String chunked(String body) {
		return "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(bytes(body).length) + "\r\n" + body
				+ "\r\n0\r\n\r\n";
	}

	/** Writes {@code text} as it is (ISO-8859-1). */
	public void send(String text) {
		try {
			this.socket.getOutputStream().write(bytes(text));
			this.socket.getOutputStream().flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads one answer whose body has a {@code Content-Length} (or none), waiting at most
	 * {@code patience} for it, and returns its head (status line and headers), so that
	 * the connection is left between two requests. An answer that does not come within
	 * {@code patience}, or a connection closed before it ends, fails the test.
	 */
	public String readAnswerHead(Duration patience) {
		try {
			this.socket.setSoTimeout(Math.toIntExact(patience.toMillis()));
			InputStream in = this.socket.getInputStream();
			String head = readHead(in);
			long length = contentLength(head);
			for (long read = 0; read < length; read++) {
				if (in.read() < 0) {
					throw new AssertionError("connection closed within the answer's body: " + head);
				}
			}
			return head;
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("no whole answer within " + patience, ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Whether the server closes the connection (end of stream, or a reset) within
	 * {@code patience}; whatever it sends before is read and dropped.
	 */
	public boolean closedByServerWithin(Duration patience) {
		Instant deadline = Instant.now().plus(patience);
		try {
			InputStream in = this.socket.getInputStream();
			while (true) {
				long left = Duration.between(Instant.now(), deadline).toMillis();
				if (left <= 0) {
					return false;
				}
				this.socket.setSoTimeout(Math.toIntExact(left));
				if (in.read() < 0) {
					return true;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			return true; // reset by the server
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Sends {@code line} again each time the connection has been silent for
	 * {@code every}, as a client trickling a request head does, until the server closes
	 * the connection or {@code patience} has passed; whether it closed.
	 */
	public boolean trickleUntilClosedByServer(String line, Duration every, Duration patience) {
		Instant deadline = Instant.now().plus(patience);
		while (Instant.now().isBefore(deadline)) {
			try {
				send(line);
			}
			catch (UncheckedIOException ex) {
				return true; // the server closed it: the write was refused
			}
			if (closedByServerWithin(every)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Closes the connection with a reset (RST) rather than an orderly close (FIN), as a
	 * client that crashed or was killed does.
	 */
	public void reset() {
		try {
			this.socket.setSoLinger(true, 0);
			this.socket.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** {@code text} as it goes on the wire: one byte a character (ISO-8859-1). */
	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
		int matched = 0;
		while (matched < end.length) {
			int next = in.read();
			if (next < 0) {
				throw new AssertionError(
						"connection closed before an answer's head: " + head.toString(StandardCharsets.US_ASCII));
			}
			head.write(next);
			matched = (next == end[matched]) ? matched + 1 : ((next == end[0]) ? 1 : 0);
		}
		return head.toString(StandardCharsets.US_ASCII);
	}

	private static long contentLength(String head) {
		for (String line : head.split("\r\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
				return Long.parseLong(line.substring(colon + 1).trim());
			}
		}
		return 0;
	}

	/** An answer's head: its status line and headers. */
	public record Answer(String head) {

		public int status() {
			return Integer.parseInt(this.head.split(" ", 3)[1]);
		}

		/**
		 * Whether a header {@code name} (any case) has a value that starts with
		 * {@code value} (any case).
		 */
		public boolean hasHeader(String name, String value) {
			return this.head.toLowerCase(Locale.ROOT)
				.contains("\r\n" + name.toLowerCase(Locale.ROOT) + ": " + value.toLowerCase(Locale.ROOT));
		}

	}

}
