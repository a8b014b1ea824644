package dev.porter.gateway.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.porter.testsupport.RedisServer;

/**
 * What someone running {@code MONITOR} on a {@link RedisServer} sees: every command any
 * client sends, with its key names and arguments (binary ones escaped as {@code \xNN}),
 * including those run by scripts. Commands that leave nothing behind, such as a lock
 * taken and released, show up here and not in a scan of the keys.
 */
public final class RedisMonitor implements AutoCloseable {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final URI server;

	private final Socket socket;

	private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();

	private final List<String> seen = new ArrayList<>();

	private RedisMonitor(URI server, Socket socket) {
		this.server = server;
		this.socket = socket;
	}

	/** Starts monitoring; commands sent from now on are seen. */
	public static RedisMonitor attach(RedisServer redis) throws IOException, InterruptedException {
		URI server = URI.create(redis.url());
		Socket socket = new Socket(server.getHost(), server.getPort());
		RedisMonitor monitor = new RedisMonitor(server, socket);
		Thread reader = new Thread(monitor::read, "redis-monitor");
		reader.setDaemon(true);
		reader.start();
		send(socket, "MONITOR");
		String reply = monitor.unread.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		if (!"+OK".equals(reply)) {
			monitor.close();
			throw new IllegalStateException("MONITOR answered " + reply);
		}
		return monitor;
	}

	/**
	 * Every command seen since {@link #attach}, up to one this method sends last: Redis
	 * reports commands in the order it runs them, so once that one arrives, all commands
	 * sent before this call have too.
	 */
	public List<String> commands() throws IOException, InterruptedException {
		String marker = "monitor-marker-" + UUID.randomUUID();
		try (Socket client = new Socket(this.server.getHost(), this.server.getPort())) {
			send(client, "ECHO " + marker);
			client.getInputStream().read(new byte[128]);
		}
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (true) {
			String line = this.unread.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
			if (line == null) {
				throw new IllegalStateException("MONITOR did not report the marker within " + WAIT);
			}
			if (line.contains(marker)) {
				return List.copyOf(this.seen);
			}
			this.seen.add(line);
		}
	}

	private void read() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.socket.getInputStream(), StandardCharsets.ISO_8859_1))) {
			String line;
			while ((line = lines.readLine()) != null) {
				this.unread.add(line);
			}
		}
		catch (IOException ex) {
			// Closed by close(): nothing more to see.
		}
	}

	private static void send(Socket socket, String inlineCommand) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write((inlineCommand + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
