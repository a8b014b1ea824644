package dev.porter.e2e.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.UserAgent;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keycloak's Admin REST API as the test's administrator (the bootstrap admin of the
 * {@code master} realm): what an operator would do in the console, scripted — import the
 * realm, point the gateway client at a test's gateway, read the realm's events, end a
 * user's sessions.
 *
 * @see <a href="https://www.keycloak.org/docs-api/latest/rest-api/">Keycloak Admin REST
 * API</a>
 */
public final class KeycloakAdmin {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	// master's admin tokens live a minute; a fresh one well before that
	private static final Duration TOKEN_REUSE = Duration.ofSeconds(30);

	private final URI base;

	private final String username;

	private final String password;

	// Importing the realm is the slowest call: on a 2-core machine shared by several
	// builds it has taken longer than the 30 s a user's request is given.
	private final UserAgent agent = new UserAgent(Duration.ofMinutes(3));

	private @Nullable String token;

	private Instant tokenIssuedAt = Instant.EPOCH;

	KeycloakAdmin(URI base, String username, String password) {
		this.base = base;
		this.username = username;
		this.password = password;
	}

	/** Creates the realm a realm file describes (clients, users, mappers, settings). */
	void importRealm(Path realmFile) {
		String realm;
		try {
			realm = Files.readString(realmFile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		expect(send("POST", "/admin/realms", realm), 201);
	}

	/**
	 * Points the gateway client at a gateway on {@code gatewayPort} — redirect URI,
	 * post-logout redirect and back-channel logout URL, as an operator sets them for a
	 * deployment's public URL — with access tokens that live {@code accessTokenLifespan}.
	 */
	public void configureGateway(int gatewayPort, Duration accessTokenLifespan) {
		String origin = "http://localhost:" + gatewayPort;
		String id = clientUuid(Keycloak.GATEWAY_CLIENT_ID);
		ObjectNode client = (ObjectNode) get(realmPath("/clients/" + id));
		client.set("redirectUris", mapper.valueToTree(List.of(origin + "/login/oauth2/code/auth0")));
		ObjectNode attributes = (ObjectNode) client.get("attributes");
		attributes.put("post.logout.redirect.uris", origin + "/");
		attributes.put("backchannel.logout.url", origin + "/bff/backchannel-logout");
		attributes.put("access.token.lifespan", Long.toString(accessTokenLifespan.toSeconds()));
		expect(send("PUT", realmPath("/clients/" + id), mapper.writeValueAsString(client)), 204);
	}

	public String userId(String username) {
		JsonNode users = get(realmPath("/users?exact=true&username=" + encode(username)));
		if (users.size() != 1) {
			throw new IllegalStateException("no single user " + username + " in realm " + Keycloak.REALM);
		}
		return users.get(0).get("id").asString();
	}

	/** The user as Keycloak stores it now, bypassing every cache in front of it. */
	public JsonNode user(String username) {
		return get(realmPath("/users/" + userId(username)));
	}

	/** The user's SSO sessions at Keycloak. */
	public List<JsonNode> sessions(String username) {
		List<JsonNode> sessions = new ArrayList<>();
		get(realmPath("/users/" + userId(username) + "/sessions")).forEach(sessions::add);
		return sessions;
	}

	/**
	 * Ends every session of the user at Keycloak, as an administrator (or the user on
	 * another device) does; Keycloak then sends each client's back-channel logout.
	 */
	public void logout(String username) {
		expect(send("POST", realmPath("/users/" + userId(username) + "/logout"), ""), 204);
	}

	/**
	 * The realm's stored events of a type for the gateway client and a user, newest first
	 * (the realm file enables them).
	 */
	public List<JsonNode> gatewayEvents(String type, String username) {
		List<JsonNode> events = new ArrayList<>();
		get(realmPath("/events?max=1000&type=" + type + "&client=" + Keycloak.GATEWAY_CLIENT_ID + "&user="
				+ userId(username)))
			.forEach(events::add);
		return events;
	}

	private String clientUuid(String clientId) {
		JsonNode clients = get(realmPath("/clients?clientId=" + encode(clientId)));
		if (clients.size() != 1) {
			throw new IllegalStateException("no client " + clientId + " in realm " + Keycloak.REALM);
		}
		return clients.get(0).get("id").asString();
	}

	private JsonNode get(String path) {
		Exchange response = expect(this.agent.get(this.base.resolve(path), "Authorization", "Bearer " + token(),
				"Accept", "application/json"), 200);
		return mapper.readTree(response.body());
	}

	private Exchange send(String method, String path, String json) {
		return this.agent.send(method, this.base.resolve(path), HttpRequest.BodyPublishers.ofString(json),
				"Authorization", "Bearer " + token(), "Content-Type", "application/json");
	}

	private synchronized String token() {
		if (this.token == null || Instant.now().isAfter(this.tokenIssuedAt.plus(TOKEN_REUSE))) {
			Instant requestedAt = Instant.now();
			Map<String, String> form = Map.of("grant_type", "password", "client_id", "admin-cli", "username",
					this.username, "password", this.password);
			Exchange response = expect(
					this.agent.send("POST", this.base.resolve("/realms/master/protocol/openid-connect/token"),
							HttpRequest.BodyPublishers.ofString(UserAgent.formBody(form)), "Content-Type",
							"application/x-www-form-urlencoded"),
					200);
			this.token = mapper.readTree(response.body()).get("access_token").asString();
			this.tokenIssuedAt = requestedAt;
		}
		return this.token;
	}

	private static String realmPath(String path) {
		return "/admin/realms/" + Keycloak.REALM + path;
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static Exchange expect(Exchange exchange, int status) {
		if (exchange.status() != status) {
			throw new IllegalStateException(exchange.method() + " " + exchange.uri() + " answered " + exchange.status()
					+ ": " + exchange.body());
		}
		return exchange;
	}

}
