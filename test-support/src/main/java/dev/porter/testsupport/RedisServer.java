package dev.porter.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A throw-away {@code redis-server} on a free loopback port, without persistence; stopped
 * by {@link #close()} and, as a safety net, when the JVM exits, so that a test never
 * leaves one running. It is up once it answers as itself (its {@code process_id}): a
 * server that could not bind its port fails the start with its own output, and another
 * program's Redis on that port is never taken for it.
 */
public final class RedisServer implements AutoCloseable {

	private static final Duration GRACE = Duration.ofSeconds(10);

	private static final Pattern PROCESS_ID = Pattern.compile("process_id:(\\d+)");

	/** What redis-server writes: a file, not a pipe nobody reads, which could fill. */
	private final Path output;

	private Process process;

	private Thread exitHook;

	private final int port;

	/** Further command-line options, given again on a restart. */
	private final List<String> options;

	private RedisServer(Path output, int port, List<String> options) throws IOException {
		this.output = output;
		this.port = port;
		this.options = options;
		this.process = launch(port, output, options);
		this.exitHook = ChildProcesses.stopOnExit(this.process, GRACE);
	}

	/** On a free loopback port. */
	public static RedisServer start() throws IOException, InterruptedException {
		return startOn(freePort());
	}

	/**
	 * On a free loopback port, with further {@code redis-server} options, e.g.
	 * {@code "--cluster-enabled", "yes"} for a node in cluster mode.
	 */
	public static RedisServer startWith(String... options) throws IOException, InterruptedException {
		return startOn(freePort(), List.of(options));
	}

	/** On a given port, e.g. one a service was told to use before Redis was up. */
	public static RedisServer startOn(int port) throws IOException, InterruptedException {
		return startOn(port, List.of());
	}

	private static RedisServer startOn(int port, List<String> options) throws IOException, InterruptedException {
		RedisServer server = new RedisServer(Files.createTempFile("porter-redis-" + port + "-", ".log"), port, options);
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
		this.process = launch(this.port, this.output, this.options);
		this.exitHook = ChildProcesses.stopOnExit(this.process, GRACE);
		awaitPong(Duration.ofSeconds(10));
	}

	private static Process launch(int port, Path output, List<String> options) throws IOException {
		List<String> command = new ArrayList<>(List.of("/usr/bin/redis-server", "--port", Integer.toString(port),
				"--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
		command.addAll(options);
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
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
			if (!this.process.isAlive()) {
				throw failed("exited (status " + this.process.exitValue() + ") before it answered");
			}
			if (answersAsItself()) {
				return;
			}
			// Polling a starting process; the deadline bounds it.
			TimeUnit.MILLISECONDS.sleep(50);
		}
		throw failed("did not answer within " + timeout);
	}

	private IllegalStateException failed(String what) {
		String output;
		try {
			output = Files.readString(this.output);
		}
		catch (IOException ex) {
			output = "(its output could not be read: " + ex + ")";
		}
		close();
		return new IllegalStateException("redis-server on port " + this.port + " " + what + ":\n" + output);
	}

	/**
	 * Whether the Redis on this port is this server's process: another program's may
	 * answer there while this one has yet to fail to bind.
	 */
	private boolean answersAsItself() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 1000);
			socket.setSoTimeout(2000);
			OutputStream out = socket.getOutputStream();
			out.write("INFO server\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			Matcher processId = PROCESS_ID.matcher(bulkReply(socket.getInputStream()));
			return processId.find() && Long.parseLong(processId.group(1)) == this.process.pid();
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** A RESP bulk string ({@code $<length>\r\n<bytes>\r\n}); empty for anything else. */
	private static String bulkReply(InputStream in) throws IOException {
		ByteArrayOutputStream header = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != -1 && b != '\n') {
			header.write(b);
		}
		String line = header.toString(StandardCharsets.US_ASCII).strip();
		if (!line.matches("\\$\\d+")) {
			// an error such as -LOADING while the server starts
			return "";
		}
		int length = Integer.parseInt(line.substring(1));
		return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
	}

	/**
	 * A loopback port nothing listens on now, from {@link FreePorts}: a port the kernel
	 * handed out could be taken by any program's connection before a server binds it.
	 */
	public static int freePort() {
		return FreePorts.next();
	}

	@Override
	public void close() {
		ChildProcesses.stop(this.process, GRACE, this.exitHook);
		try {
			// restart() writes it anew
			Files.deleteIfExists(this.output);
		}
		catch (IOException ex) {
			// a temporary file left behind harms no later test
		}
	}

}
