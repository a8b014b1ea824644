package dev.porter.e2e.processes;

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
 * profile-service (directory {@code keycloak}) and, when asked, a gateway, as real
 * processes against a running {@link Keycloak}, configured with exactly the environment
 * variables the README's "Other identity providers" section gives a user. Closing it
 * stops these processes, never the shared Keycloak.
 */
public final class KeycloakStack implements AutoCloseable {

	private final Keycloak keycloak;

	private final Service profileService;

	private final @Nullable Service gateway;

	private final int gatewayPort;

	private KeycloakStack(Keycloak keycloak, Service profileService, @Nullable Service gateway, int gatewayPort) {
		this.keycloak = keycloak;
		this.profileService = profileService;
		this.gateway = gateway;
		this.gatewayPort = gatewayPort;
	}

	/**
	 * Points the realm's gateway client at a new gateway (access tokens living
	 * {@code accessTokenLifespan}) and starts it with profile-service.
	 * @param gatewayEnv extra gateway environment, e.g. {@code TOKEN_REFRESH_AHEAD}
	 */
	public static KeycloakStack start(Keycloak keycloak, Duration accessTokenLifespan, Map<String, String> gatewayEnv) {
		return start(keycloak, accessTokenLifespan, gatewayEnv, true, "keycloak");
	}

	/**
	 * profile-service alone with the Keycloak directory, for tests that call it with a
	 * bearer token from {@code KeycloakLogin}.
	 */
	public static KeycloakStack startWithoutGateway(Keycloak keycloak) {
		return start(keycloak, Duration.ofMinutes(5), Map.of(), false, "keycloak");
	}

	/**
	 * profile-service alone without a directory ({@code PROFILE_DIRECTORY=none}): the
	 * userinfo-only set-up of any OIDC provider.
	 */
	public static KeycloakStack startUserinfoOnly(Keycloak keycloak) {
		return start(keycloak, Duration.ofMinutes(5), Map.of(), false, "none");
	}

	private static KeycloakStack start(Keycloak keycloak, Duration accessTokenLifespan, Map<String, String> gatewayEnv,
			boolean withGateway, String directory) {
		int gatewayPort = FreePorts.next();
		int profilePort = FreePorts.next();
		String label = "keycloak-stack-" + gatewayPort;
		// Before any login: Keycloak only redirects to, and sends back-channel logouts
		// to, the URLs registered for the client.
		keycloak.admin().configureGateway(gatewayPort, accessTokenLifespan);
		List<Service> started = new ArrayList<>();
		CompletableFuture<Service> profile = CompletableFuture.supplyAsync(() -> track(started,
				Stack.startJar(label, "profile-service", profilePort, profileEnv(keycloak, directory))));
		CompletableFuture<@Nullable Service> gateway = CompletableFuture.completedFuture(null);
		if (withGateway) {
			Map<String, String> env = gatewayEnv(keycloak, gatewayPort, profilePort);
			env.putAll(gatewayEnv);
			gateway = CompletableFuture
				.supplyAsync(() -> track(started, Stack.startJar(label, "gateway", gatewayPort, env)));
		}
		try {
			return new KeycloakStack(keycloak, profile.join(), gateway.join(), gatewayPort);
		}
		catch (RuntimeException ex) {
			// the other start may still be running: let it end, then stop what started
			CompletableFuture.allOf(profile, gateway).exceptionally((failure) -> null).join();
			synchronized (started) {
				started.forEach((service) -> service.process().close());
			}
			throw ex;
		}
	}

	/** profile-service on Keycloak, as the README's examples set it. */
	static Map<String, String> profileEnv(Keycloak keycloak, String directory) {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("OIDC_ISSUER_URI", keycloak.issuer());
		env.put("API_AUDIENCE", Stack.API_AUDIENCE);
		env.put("PROFILE_DIRECTORY", directory);
		if (directory.equals("keycloak")) {
			env.put("KEYCLOAK_CLIENT_ID", Keycloak.PROFILE_CLIENT_ID);
			env.put("KEYCLOAK_CLIENT_SECRET", Keycloak.PROFILE_CLIENT_SECRET);
		}
		return env;
	}

	/** The gateway on Keycloak, as the README's example sets it. */
	static Map<String, String> gatewayEnv(Keycloak keycloak, int gatewayPort, int profilePort) {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("OIDC_ISSUER_URI", keycloak.issuer());
		env.put("OIDC_CLIENT_ID", Keycloak.GATEWAY_CLIENT_ID);
		env.put("OIDC_CLIENT_SECRET", Keycloak.GATEWAY_CLIENT_SECRET);
		// no offline_access: an offline session is one Keycloak-side logouts never end
		env.put("OIDC_SCOPES", "openid profile email");
		env.put("API_AUDIENCE", Stack.API_AUDIENCE);
		// no LOGOUT_ID_TOKEN_HINT: Keycloak's discovery is not Auth0's, so its logout
		// gets the id_token_hint without which it asks the user to confirm
		env.put("PROFILE_SERVICE_URI", "http://localhost:" + profilePort);
		env.put("PUBLIC_BASE_URL", "http://localhost:" + gatewayPort);
		return env;
	}

	public Keycloak keycloak() {
		return this.keycloak;
	}

	public Service profileService() {
		return this.profileService;
	}

	public Service gateway() {
		return Objects.requireNonNull(this.gateway, "this stack runs without a gateway");
	}

	/**
	 * The redirect URI registered for the gateway client (never followed by token-only
	 * logins).
	 */
	public String gatewayCallback() {
		return "http://localhost:" + this.gatewayPort + "/login/oauth2/code/auth0";
	}

	@Override
	public void close() {
		List<Service> services = new ArrayList<>();
		services.add(this.profileService);
		if (this.gateway != null) {
			services.add(this.gateway);
		}
		services.parallelStream().forEach((service) -> service.process().close());
	}

	private static Service track(List<Service> started, Service service) {
		synchronized (started) {
			started.add(service);
		}
		return service;
	}

}
