package dev.porter.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Requests written byte for byte to a socket, so that a test can send what no HTTP client
 * would: a body longer or shorter than its {@code Content-Length}, a GET with a chunked
 * body. Reads back the status line and headers of the first answer.
 */
public final class RawHttp {

	private RawHttp() {
	}

	public static String sized(String body) {
		return "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
	}

	public static String chunked(String body) {
		return "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.getBytes(StandardCharsets.UTF_8).length)
				+ "\r\n" + body + "\r\n0\r\n\r\n";
	}

	/**
	 * Sends {@code request} (request line, headers and framed body) and waits at most
	 * {@code wait} for the answer's head; a missing answer is status {@code -1}.
	 */
	public static Response send(int port, String request, Duration wait) {
		try (Socket socket = new Socket("localhost", port)) {
			socket.setSoTimeout(Math.toIntExact(wait.toMillis()));
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.UTF_8));
			out.flush();
			return read(socket.getInputStream());
		}
		catch (SocketTimeoutException ex) {
			return new Response(-1, "no answer within " + wait);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Response read(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
		int matched = 0;
		while (matched < end.length) {
			int next = in.read();
			if (next < 0) {
				break;
			}
			head.write(next);
			matched = (next == end[matched]) ? matched + 1 : ((next == end[0]) ? 1 : 0);
		}
		String text = head.toString(StandardCharsets.US_ASCII);
		if (!text.startsWith("HTTP/1.1 ")) {
			return new Response(-1, "connection closed without an answer: " + text);
		}
		return new Response(Integer.parseInt(text.substring(9, 12)), text);
	}

	/** The status and the head (status line and headers) of an answer. */
	public record Response(int status, String head) {

		public boolean hasHeader(String name, String value) {
			return this.head.toLowerCase().contains("\r\n" + name.toLowerCase() + ": " + value.toLowerCase());
		}

	}

}
