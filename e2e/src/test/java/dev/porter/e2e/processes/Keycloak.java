package dev.porter.e2e.processes;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.porter.testsupport.FreePorts;
import org.jspecify.annotations.Nullable;

/**
 * A real Keycloak server as a process on a free loopback port: the cached distribution
 * ({@link KeycloakDistribution}) started on a Java 21+ ({@link KeycloakJava}), with
 * Porter's realm imported from {@code src/test/resources/keycloak/porter-realm.json}
 * ({@link KeycloakSeed}). Every server has a database of its own; closing it stops the
 * process and the JVM its script started.
 */
public final class Keycloak implements AutoCloseable {

	public static final String REALM = "porter";

	public static final String GATEWAY_CLIENT_ID = "porter-gateway";

	public static final String GATEWAY_CLIENT_SECRET = "porter-gateway-keycloak-dev-secret";

	public static final String PROFILE_CLIENT_ID = "porter-profile";

	public static final String PROFILE_CLIENT_SECRET = "porter-profile-keycloak-dev-secret";

	/** The realm file, in the repository so a person can import the same realm. */
	public static final String REALM_FILE = "e2e/src/test/resources/keycloak/porter-realm.json";

	private static final Duration STARTUP = Duration.ofMinutes(3);

	private static final String ADMIN_USER = "porter-e2e-admin";

	private static final String ADMIN_PASSWORD = "porter-e2e-admin-password";

	private final Service service;

	private final KeycloakAdmin admin;

	private final @Nullable Path ownedDatabase;

	private Keycloak(Service service, @Nullable Path ownedDatabase) {
		this.service = service;
		this.ownedDatabase = ownedDatabase;
		this.admin = new KeycloakAdmin(service.uri(), ADMIN_USER, ADMIN_PASSWORD);
	}

	/**
	 * Starts Keycloak with the realm of {@link #REALM_FILE}; the first start of a clean
	 * checkout also unpacks and builds the distribution and makes the seed database.
	 */
	public static Keycloak start() {
		Path java = KeycloakJava.home();
		Path home = KeycloakDistribution.home(java);
		Path database = KeycloakSeed.copy(home, java, Layout.root().resolve(REALM_FILE));
		return launch(home, java, database, true);
	}

	/**
	 * Starts the server on the H2 database in {@code database} and waits until it is
	 * ready.
	 * @param ownsDatabase whether closing the server deletes the database (a copy), or
	 * keeps it (the seed)
	 */
	static Keycloak launch(Path home, Path java, Path database, boolean ownsDatabase) {
		int port = FreePorts.next();
		int managementPort = FreePorts.next();
		List<String> command = List.of(home.resolve("bin/kc.sh").toString(), "start", "--optimized",
				"--http-enabled=true", "--http-host=127.0.0.1", "--http-port=" + port,
				"--http-management-port=" + managementPort,
				// the issuer follows the host the caller used: every party here says
				// localhost
				"--hostname-strict=false",
				// never a JGroups cluster with another Keycloak on this machine
				"--cache=local", "--db-url=jdbc:h2:file:" + database.resolve("keycloakdb") + ";NON_KEYWORDS=VALUE");
		Map<String, String> environment = Map.of("JAVA_HOME", java.toString(), "KC_BOOTSTRAP_ADMIN_USERNAME",
				ADMIN_USER, "KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD, "JAVA_OPTS_APPEND",
				// C1 only, as the stack's own JVMs: a quicker start on a busy 2-core
				// machine
				"-XX:TieredStopAtLevel=1");
		ManagedProcess process = ManagedProcess.start("keycloak-" + port, command, environment);
		Keycloak keycloak = new Keycloak(new Service("keycloak", port, process), ownsDatabase ? database : null);
		try {
			process.awaitHttpOk(URI.create("http://localhost:" + managementPort + "/health/ready"), STARTUP);
			return keycloak;
		}
		catch (RuntimeException ex) {
			keycloak.close();
			throw ex;
		}
	}

	public Service service() {
		return this.service;
	}

	/** The realm's issuer, as tokens carry it (no trailing slash). */
	public String issuer() {
		return this.service.uri() + "/realms/" + REALM;
	}

	/** The realm's end-session endpoint (RP-initiated logout). */
	public String endSessionEndpoint() {
		return issuer() + "/protocol/openid-connect/logout";
	}

	public KeycloakAdmin admin() {
		return this.admin;
	}

	/**
	 * Stops the server: {@code kc.sh} passes SIGTERM on to its JVM; a JVM that outlives a
	 * forcibly stopped script is stopped too.
	 */
	@Override
	public void close() {
		List<ProcessHandle> children = this.service.process().handle().descendants().toList();
		this.service.process().close();
		for (ProcessHandle child : children) {
			child.destroy();
		}
		Instant deadline = Instant.now().plusSeconds(15);
		for (ProcessHandle child : children) {
			try {
				child.onExit()
					.get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
			}
			catch (Exception ex) {
				child.destroyForcibly();
			}
		}
		if (this.ownedDatabase != null) {
			try {
				KeycloakSeed.deleteTree(this.ownedDatabase);
			}
			catch (IOException ex) {
				// a copy left behind is only disk space under target/
			}
		}
	}

}
