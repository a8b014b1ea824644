package dev.porter.e2e.agents;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.QueryParameters;
import dev.porter.e2e.http.UserAgent;
import dev.porter.e2e.processes.Keycloak;
import dev.porter.e2e.processes.KeycloakStack;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A user signing in at Keycloak the way the gateway makes them (authorization code + PKCE
 * S256 for the gateway client, without {@code offline_access}), scripted over HTTP
 * through Keycloak's own login form, so that a test can call profile-service directly
 * with the user's access token.
 */
public final class KeycloakLogin {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private KeycloakLogin() {
	}

	public static Tokens login(KeycloakStack stack, String username, String password) {
		String issuer = stack.keycloak().issuer();
		UserAgent agent = new UserAgent();
		String verifier = Pkce.randomToken();
		String redirectUri = stack.gatewayCallback();
		Map<String, String> query = new LinkedHashMap<>();
		query.put("response_type", "code");
		query.put("client_id", Keycloak.GATEWAY_CLIENT_ID);
		query.put("redirect_uri", redirectUri);
		query.put("scope", "openid profile email");
		query.put("state", Pkce.randomToken());
		query.put("nonce", Pkce.randomToken());
		query.put("code_challenge", Pkce.challenge(verifier));
		query.put("code_challenge_method", "S256");
		Exchange loginPage = agent
			.follow(agent.get(URI.create(issuer + "/protocol/openid-connect/auth?" + UserAgent.formBody(query))));
		Exchange afterLogin = agent
			.follow(agent.submitForm(loginPage, Map.of("username", username, "password", password)), redirectUri);
		if (!afterLogin.isRedirect() || !afterLogin.location().toString().startsWith(redirectUri)) {
			throw new IllegalStateException("login as " + username + " did not come back with a code: "
					+ afterLogin.status() + " " + afterLogin.body());
		}
		Map<String, String> exchange = Map.of("grant_type", "authorization_code", "code",
				QueryParameters.first(afterLogin.location(), "code"), "redirect_uri", redirectUri, "code_verifier",
				verifier);
		Exchange token = agent.send("POST", URI.create(issuer + "/protocol/openid-connect/token"),
				HttpRequest.BodyPublishers.ofString(UserAgent.formBody(exchange)), "Content-Type",
				"application/x-www-form-urlencoded", "Authorization",
				DevIdpLogin.basic(Keycloak.GATEWAY_CLIENT_ID, Keycloak.GATEWAY_CLIENT_SECRET));
		if (token.status() != 200) {
			throw new IllegalStateException("token exchange failed: " + token.status() + " " + token.body());
		}
		JsonNode body = mapper.readTree(token.body());
		return new Tokens(body.get("access_token").asString(), body.get("refresh_token").asString(),
				body.get("id_token").asString());
	}

}
