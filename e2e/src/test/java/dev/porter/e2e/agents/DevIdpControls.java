package dev.porter.e2e.agents;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.UserAgent;
import dev.porter.e2e.processes.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * dev-idp's loopback-only test controls ({@code /dev/**}, see docs/local-stack.md):
 * request counters, the tokens it issued, and back-channel logout tokens signed with its
 * key; and, with the gateway's client credentials, what the gateway or an admin does with
 * a refresh token at its OAuth endpoints.
 */
public final class DevIdpControls {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final Service devIdp;

	private final UserAgent agent = new UserAgent();

	public DevIdpControls(Service devIdp) {
		this.devIdp = devIdp;
	}

	public void resetStats() {
		Exchange reset = this.agent.send("DELETE", this.devIdp.uri("/dev/stats"), HttpRequest.BodyPublishers.noBody());
		if (reset.status() / 100 != 2) {
			throw new IllegalStateException("DELETE /dev/stats answered " + reset.status() + ": " + reset.body());
		}
	}

	/** {@code refresh_token} grants counted since start-up or the last reset. */
	public long refreshTokenGrants() {
		Exchange stats = expect(this.agent.get(this.devIdp.uri("/dev/stats")), 200);
		return mapper.readTree(stats.body()).get("token").get("refresh_token").asLong();
	}

	/** Every token set dev-idp issued to the gateway client, oldest first. */
	public List<JsonNode> issuedToGateway() {
		Exchange issued = expect(this.agent.get(this.devIdp.uri("/dev/issued-tokens?client_id=porter-gateway")), 200);
		List<JsonNode> sets = new ArrayList<>();
		mapper.readTree(issued.body()).forEach(sets::add);
		return sets;
	}

	/** Every access, refresh and ID token value issued to the gateway client. */
	public List<String> gatewayTokenValues(String... kinds) {
		List<String> values = new ArrayList<>();
		for (JsonNode set : issuedToGateway()) {
			for (String kind : kinds) {
				if (set.hasNonNull(kind)) {
					values.add(set.get(kind).asString());
				}
			}
		}
		return values;
	}

	/** The token set of the gateway's most recent login. */
	public JsonNode latestGatewayLogin() {
		List<JsonNode> issued = issuedToGateway();
		if (issued.isEmpty()) {
			throw new IllegalStateException("dev-idp issued no token to porter-gateway");
		}
		return issued.get(issued.size() - 1);
	}

	/** A back-channel logout token for {@code sid}, signed by dev-idp. */
	public String logoutToken(String clientId, String sid) {
		return logoutToken(clientId, sid, Duration.ZERO);
	}

	/**
	 * {@link #logoutToken(String, String)}, issued {@code ago} before now (whole seconds,
	 * at most a minute): an IdP that ended the session a moment ago.
	 */
	public String logoutToken(String clientId, String sid, Duration ago) {
		String body = mapper.writeValueAsString(
				java.util.Map.of("client_id", clientId, "sid", sid, "issued_seconds_ago", ago.toSeconds()));
		Exchange token = expect(this.agent.send("POST", this.devIdp.uri("/dev/logout-token"),
				HttpRequest.BodyPublishers.ofString(body), "Content-Type", "application/json"), 200);
		return mapper.readTree(token.body()).get("logout_token").asString();
	}

	/**
	 * A refresh at dev-idp with {@code refreshToken}, as the gateway would send it (the
	 * answer as it came).
	 */
	public Exchange refresh(String refreshToken) {
		return gatewayForm("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
	}

	/**
	 * Revokes {@code refreshToken}, as an admin's revocation of the grant does at
	 * dev-idp: the whole authorization ends (the answer as it came).
	 */
	public Exchange revokeRefreshToken(String refreshToken) {
		return gatewayForm("/oauth/revoke", Map.of("token", refreshToken, "token_type_hint", "refresh_token"));
	}

	private Exchange gatewayForm(String path, Map<String, String> form) {
		return this.agent.send("POST", this.devIdp.uri(path),
				HttpRequest.BodyPublishers.ofString(UserAgent.formBody(form)), "Content-Type",
				"application/x-www-form-urlencoded", "Authorization",
				DevIdpLogin.basic("porter-gateway", "porter-gateway-dev-secret"));
	}

	private static Exchange expect(Exchange exchange, int status) {
		if (exchange.status() != status) {
			throw new IllegalStateException(exchange.method() + " " + exchange.uri() + " answered " + exchange.status()
					+ ": " + exchange.body());
		}
		return exchange;
	}

}
