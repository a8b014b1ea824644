package dev.porter.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away {@code redis-server} that speaks TLS only and wants a password, as a
 * managed Redis would: a CA and a server certificate for {@code localhost} are made with
 * {@code openssl} in a temporary directory, with a PKCS#12 trust store holding the CA for
 * the client. Stopped, and its files removed, by {@link #close()}; stopped, as a safety
 * net, when the JVM exits.
 */
public final class SecuredRedisServer implements AutoCloseable {

	public static final String TRUST_STORE_PASSWORD = "changeit";

	private final Path directory;

	private static final Duration GRACE = Duration.ofSeconds(10);

	private final Process process;

	private final Thread exitHook;

	private final int port;

	private final String password;

	private SecuredRedisServer(Path directory, Process process, int port, String password) {
		this.directory = directory;
		this.process = process;
		this.exitHook = ChildProcesses.stopOnExit(process, GRACE);
		this.port = port;
		this.password = password;
	}

	public static SecuredRedisServer start(String password) throws IOException, InterruptedException {
		Path directory = Files.createTempDirectory("porter-redis-tls");
		makeCertificates(directory);
		int port = RedisServer.freePort();
		Process process = new ProcessBuilder("/usr/bin/redis-server", "--port", "0", "--tls-port",
				Integer.toString(port), "--bind", "127.0.0.1", "--tls-cert-file", path(directory, "server.crt"),
				"--tls-key-file", path(directory, "server.key"), "--tls-ca-cert-file", path(directory, "ca.crt"),
				"--tls-auth-clients", "no", "--requirepass", password, "--save", "", "--appendonly", "no")
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("redis.log").toFile())
			.start();
		SecuredRedisServer server = new SecuredRedisServer(directory, process, port, password);
		server.awaitPong(Duration.ofSeconds(10));
		return server;
	}

	/**
	 * {@code rediss://} with the password, to {@code localhost} (the certificate's name).
	 */
	public String url() {
		return "rediss://:" + this.password + "@localhost:" + this.port;
	}

	/** The CA that signed the server's certificate, as a PKCS#12 trust store. */
	public Path trustStore() {
		return this.directory.resolve("truststore.p12");
	}

	/** Runs {@code redis-cli} over TLS with the password; its output. */
	public String cli(String... command) throws IOException, InterruptedException {
		List<String> arguments = new ArrayList<>(
				List.of("/usr/bin/redis-cli", "--tls", "--cacert", path(this.directory, "ca.crt"), "-h", "localhost",
						"-p", Integer.toString(this.port), "--no-auth-warning", "-a", this.password));
		arguments.addAll(Arrays.asList(command));
		return ChildProcesses.run(new ProcessBuilder(arguments), Duration.ofSeconds(10)).output().strip();
	}

	private void awaitPong(Duration timeout) throws IOException, InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			if (this.process.isAlive() && "PONG".equals(cli("PING"))) {
				return;
			}
			TimeUnit.MILLISECONDS.sleep(50); // polling a starting process, bounded by the
												// deadline
		}
		String log = Files.readString(this.directory.resolve("redis.log"));
		close();
		throw new IllegalStateException("redis-server with TLS did not answer PING within " + timeout + ":\n" + log);
	}

	private static void makeCertificates(Path directory) throws IOException, InterruptedException {
		Files.writeString(directory.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
		run(directory, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
				"/CN=porter test CA", "-keyout", "ca.key", "-out", "ca.crt");
		run(directory, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
				"server.key", "-out", "server.csr");
		run(directory, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
				"-CAcreateserial", "-days", "1", "-extfile", "san.ext", "-out", "server.crt");
		writeTrustStore(directory);
	}

	/**
	 * What {@code keytool -importcert} would write, without starting another JVM for it.
	 */
	private static void writeTrustStore(Path directory) throws IOException {
		try (InputStream ca = Files.newInputStream(directory.resolve("ca.crt"));
				OutputStream out = Files.newOutputStream(directory.resolve("truststore.p12"))) {
			KeyStore trustStore = KeyStore.getInstance("PKCS12");
			trustStore.load(null, null);
			trustStore.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
			trustStore.store(out, TRUST_STORE_PASSWORD.toCharArray());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("could not write the trust store", ex);
		}
	}

	private static void run(Path directory, String... command) throws IOException, InterruptedException {
		ChildProcesses.Finished finished = ChildProcesses.run(new ProcessBuilder(command).directory(directory.toFile()),
				Duration.ofSeconds(30));
		if (finished.exitValue() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed:\n" + finished.output());
		}
	}

	private static String path(Path directory, String file) {
		return directory.resolve(file).toString();
	}

	@Override
	public void close() {
		ChildProcesses.stop(this.process, GRACE, this.exitHook);
		deleteRecursively(this.directory);
	}

	private static void deleteRecursively(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// a temporary directory left behind harms no later test
		}
	}

}
