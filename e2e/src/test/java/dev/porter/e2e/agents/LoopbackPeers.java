package dev.porter.e2e.agents;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.porter.e2e.processes.Service;

/**
 * Many clients at once, each from its own loopback address (127.0.0.2, 127.0.0.3, …;
 * Linux routes all of 127/8 to {@code lo}), each sending plain HTTP/1.1 GETs over one
 * keep-alive connection and keeping no cookies: the anonymous crowd a gateway meets. They
 * say {@code Accept: *}{@code /*}, as curl and most bots do, not what a browser's
 * navigation says: a refused login is then the problem {@code 429}, where a browser is
 * sent to {@code /?login=failed} with a {@code 302} like a started login's.
 */
public final class LoopbackPeers {

	private static final int THREADS = 8;

	private LoopbackPeers() {
	}

	/** The {@code index}-th peer address: 127.0.0.2 for 0, counting up through 127/8. */
	public static String address(int index) {
		int n = index + 2;
		return "127." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
	}

	/**
	 * {@code peers} peers each GET {@code path} from {@code gateway} {@code perPeer}
	 * times; returns how many answers had each status.
	 */
	public static Map<Integer, Integer> flood(Service gateway, String path, int peers, int perPeer) {
		Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> work = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int first = t;
				work.add(pool.submit(() -> {
					for (int peer = first; peer < peers; peer += THREADS) {
						for (Answer answer : get(address(peer), gateway.port(), path, perPeer)) {
							counts.computeIfAbsent(answer.status(), (s) -> new AtomicInteger()).incrementAndGet();
						}
					}
					return null;
				}));
			}
			for (Future<?> done : work) {
				done.get();
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("flood failed", ex);
		}
		finally {
			pool.shutdownNow();
		}
		Map<Integer, Integer> result = new LinkedHashMap<>();
		counts.forEach((status, count) -> result.put(status, count.get()));
		return result;
	}

	/** {@code times} GETs of {@code path} from {@code from}, over one connection. */
	public static List<Answer> get(String from, int port, String path, int times) {
		List<Answer> answers = new ArrayList<>();
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = new BufferedInputStream(socket.getInputStream());
			byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port
					+ "\r\nAccept: */*\r\nUser-Agent: porter-e2e-crowd\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII);
			for (int i = 0; i < times; i++) {
				out.write(request);
				out.flush();
				Answer answer = read(in);
				answers.add(answer);
				if ("close".equalsIgnoreCase(answer.headers().get("connection"))) {
					answers.addAll(get(from, port, path, times - i - 1));
					break;
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("GET " + path + " from " + from + " failed", ex);
		}
		return answers;
	}

	private static Answer read(InputStream in) throws IOException {
		String statusLine = line(in);
		int status = Integer.parseInt(statusLine.split(" ")[1]);
		Map<String, String> headers = new LinkedHashMap<>();
		for (String header = line(in); !header.isEmpty(); header = line(in)) {
			int colon = header.indexOf(':');
			headers.merge(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
					header.substring(colon + 1).trim(), (a, b) -> a + "\n" + b);
		}
		byte[] body;
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			ByteArrayOutputStream chunks = new ByteArrayOutputStream();
			for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(),
					16)) {
				chunks.write(in.readNBytes(size));
				line(in);
			}
			line(in);
			body = chunks.toByteArray();
		}
		else {
			body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
		}
		return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
	}

	private static String line(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int c = in.read(); c != '\n'; c = in.read()) {
			if (c == -1) {
				throw new IOException("connection closed mid-answer");
			}
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}

	/**
	 * One answer: status, headers (lower-case names, repeated ones joined by a newline),
	 * body.
	 */
	public record Answer(int status, Map<String, String> headers, String body) {
	}

}
