package dev.porter.e2e.processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import dev.porter.testsupport.FreePorts;
import org.jspecify.annotations.Nullable;

/**
 * dev-idp, profile-service and one or more gateways (plus Redis when asked) as real
 * processes on free ports, wired with the same environment variables a user sets. Closing
 * it stops every process. Gateway {@code i} relays to profile-service {@code i} modulo
 * their count: with one profile-service every gateway uses it, with as many of each every
 * gateway has its own (so a test knows which instance served a relayed request). A
 * started stack has run its cold path once ({@link StackWarmUp}).
 */
public final class Stack implements AutoCloseable {

	public static final String API_AUDIENCE = "https://porter.example/api";

	private static final Duration STARTUP = Duration.ofSeconds(120);

	private final List<AutoCloseable> started = new ArrayList<>();

	private final Service devIdp;

	private final List<Service> profiles;

	private final List<Service> gateways;

	private final String label;

	private volatile @Nullable Service redis;

	private Stack(StackOptions options) {
		int idpPort = FreePorts.next();
		List<Integer> profilePorts = new ArrayList<>();
		for (int i = 0; i < options.profileServices(); i++) {
			profilePorts.add(FreePorts.next());
		}
		List<Integer> gatewayPorts = new ArrayList<>();
		for (int i = 0; i < options.gateways(); i++) {
			gatewayPorts.add(FreePorts.next());
		}
		String label = "stack-" + idpPort;
		this.label = label;
		String issuer = "http://localhost:" + idpPort + "/";
		List<CompletableFuture<Service>> starts = new ArrayList<>();
		try {
			this.redis = options.redis() ? track(Redis.start(label)) : null;
			Path seed = DevIdpSeed.forGateways(label, gatewayPorts);
			Map<String, String> idpEnv = Map.of("DEV_IDP_ISSUER", issuer, "DEV_IDP_SEED", "file:" + seed,
					"DEV_IDP_ACCESS_TOKEN_TTL", options.accessTokenTtl().toSeconds() + "s");
			CompletableFuture<Service> idp = CompletableFuture
				.supplyAsync(() -> track(startJar(label, "dev-idp", idpPort, idpEnv)));
			starts.add(idp);

			Map<String, String> shared = new LinkedHashMap<>();
			shared.put("OIDC_ISSUER_URI", issuer);
			shared.put("API_AUDIENCE", API_AUDIENCE);
			if (this.redis != null) {
				shared.put("REDIS_URL", "redis://localhost:" + this.redis.port());
			}
			Map<String, String> profileEnv = new LinkedHashMap<>(shared);
			profileEnv.put("AUTH0_MANAGEMENT_CLIENT_ID", "porter-profile");
			profileEnv.put("AUTH0_MANAGEMENT_CLIENT_SECRET", "porter-profile-dev-secret");
			profileEnv.putAll(options.profileEnv());
			List<CompletableFuture<Service>> profileStarts = new ArrayList<>();
			for (int i = 0; i < profilePorts.size(); i++) {
				int port = profilePorts.get(i);
				String name = (profilePorts.size() == 1) ? "profile-service" : "profile-service-" + (i + 1);
				profileStarts.add(CompletableFuture.supplyAsync(() -> track(startJar(label, name, port, profileEnv))));
			}

			String sessionKey = randomKey();
			List<CompletableFuture<Service>> gatewayStarts = new ArrayList<>();
			for (int i = 0; i < gatewayPorts.size(); i++) {
				int port = gatewayPorts.get(i);
				int profilePort = profilePorts.get(i % profilePorts.size());
				Map<String, String> gatewayEnv = new LinkedHashMap<>(shared);
				gatewayEnv.put("OIDC_CLIENT_ID", "porter-gateway");
				gatewayEnv.put("OIDC_CLIENT_SECRET", "porter-gateway-dev-secret");
				gatewayEnv.put("PROFILE_SERVICE_URI", "http://localhost:" + profilePort);
				gatewayEnv.put("PUBLIC_BASE_URL", "http://localhost:" + port);
				if (this.redis != null) {
					// One key for all the stack's gateways: any of them reads any
					// session.
					gatewayEnv.put("SESSION_ENCRYPTION_KEYS", sessionKey);
				}
				gatewayEnv.putAll(options.gatewayEnv());
				String name = (gatewayPorts.size() == 1) ? "gateway" : "gateway-" + (i + 1);
				gatewayStarts.add(CompletableFuture.supplyAsync(() -> track(startJar(label, name, port, gatewayEnv))));
			}
			starts.addAll(profileStarts);
			starts.addAll(gatewayStarts);
			this.devIdp = idp.join();
			this.profiles = profileStarts.stream().map(CompletableFuture::join).toList();
			this.gateways = gatewayStarts.stream().map(CompletableFuture::join).toList();
			// through every gateway, so every profile-service a gateway relays to
			this.gateways.forEach(StackWarmUp::through);
		}
		catch (RuntimeException ex) {
			// The other starts may still be on their way: stopped only once tracked.
			CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).handle((done, failed) -> null).join();
			close();
			throw ex;
		}
	}

	public static Stack start(StackOptions options) {
		return new Stack(options);
	}

	/** A random AES-256 key, base64, as {@code SESSION_ENCRYPTION_KEYS} takes it. */
	private static String randomKey() {
		byte[] key = new byte[32];
		new java.security.SecureRandom().nextBytes(key);
		return java.util.Base64.getEncoder().encodeToString(key);
	}

	public Service devIdp() {
		return this.devIdp;
	}

	public Service profileService() {
		return this.profiles.get(0);
	}

	public Service profileService(int index) {
		return this.profiles.get(index);
	}

	public Service gateway() {
		if (this.gateways.isEmpty()) {
			throw new IllegalStateException("this stack runs without a gateway");
		}
		return this.gateways.get(0);
	}

	public Service gateway(int index) {
		return this.gateways.get(index);
	}

	public Service redis() {
		return Objects.requireNonNull(this.redis, "this stack runs without Redis");
	}

	/**
	 * A redirect URI registered for the gateway client at dev-idp (never followed by
	 * token-only logins).
	 */
	public String gatewayCallback() {
		int port = this.gateways.isEmpty() ? 8080 : this.gateways.get(0).port();
		return "http://localhost:" + port + "/login/oauth2/code/auth0";
	}

	public String issuer() {
		return this.devIdp.uri() + "/";
	}

	/**
	 * Stops one service of this stack now (SIGTERM, then SIGKILL after a grace period),
	 * e.g. to show how the others behave without it.
	 */
	public void stop(Service service) {
		synchronized (this.started) {
			this.started.remove(service.process());
		}
		service.process().close();
	}

	/**
	 * Starts Redis again, empty, on the port of the one {@link #stop(Service) stopped}:
	 * the services were never told, as after an outage.
	 */
	public Service restartRedis() {
		Service stopped = redis();
		if (stopped.process().isAlive()) {
			throw new IllegalStateException("Redis is still running");
		}
		Service again = track(Redis.start(this.label, stopped.port()));
		this.redis = again;
		return again;
	}

	@Override
	public void close() {
		List<AutoCloseable> toStop;
		synchronized (this.started) {
			toStop = new ArrayList<>(this.started);
			this.started.clear();
		}
		toStop.parallelStream().forEach(Stack::closeQuietly);
	}

	private Service track(Service service) {
		synchronized (this.started) {
			this.started.add(service.process());
		}
		return service;
	}

	static Service startJar(String label, String name, int port, Map<String, String> env) {
		String module = name.startsWith("gateway") ? "gateway"
				: name.startsWith("profile-service") ? "profile-service" : name;
		Map<String, String> environment = new LinkedHashMap<>(env);
		environment.put("PORT", Integer.toString(port));
		// Each process needs a management port of its own: the defaults (9080, 9081,
		// 9001)
		// would collide between the stack's JVMs, other stacks and a running ./run.sh.
		environment.putIfAbsent("MANAGEMENT_PORT", Integer.toString(FreePorts.next()));
		List<String> command = new ArrayList<>(List.of(ClassDataSharing.java()));
		command.addAll(ClassDataSharing.JVM_OPTIONS);
		command.addAll(ClassDataSharing.launch(module, environment));
		ManagedProcess process = ManagedProcess.start(label + "-" + name, command, environment);
		Service service = new Service(name, port, process);
		// the readiness probe an orchestrator uses: on the service's own port, status
		// only
		try {
			process.awaitHttpOk(service.uri("/readyz"), STARTUP);
		}
		catch (RuntimeException ex) {
			// Not tracked yet: nothing else would stop it before the JVM exits.
			process.close();
			throw ex;
		}
		return service;
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// stopping is best effort; ManagedProcess also stops at JVM exit
		}
	}

}
