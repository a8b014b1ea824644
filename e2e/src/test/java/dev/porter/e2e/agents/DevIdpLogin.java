package dev.porter.e2e.agents;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.QueryParameters;
import dev.porter.e2e.http.UserAgent;
import dev.porter.e2e.processes.Stack;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A user signing in at dev-idp the way the gateway makes them (authorization code + PKCE
 * S256, with the API audience), scripted over HTTP so that a test can call
 * profile-service directly with the user's access token.
 */
public final class DevIdpLogin {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private DevIdpLogin() {
	}

	public static Tokens login(Stack stack, String username, String password) {
		UserAgent agent = new UserAgent();
		String verifier = Pkce.randomToken();
		String redirectUri = stack.gatewayCallback();
		Map<String, String> query = new LinkedHashMap<>();
		query.put("response_type", "code");
		query.put("client_id", "porter-gateway");
		query.put("redirect_uri", redirectUri);
		query.put("scope", "openid profile email offline_access");
		query.put("audience", Stack.API_AUDIENCE);
		query.put("state", Pkce.randomToken());
		query.put("nonce", Pkce.randomToken());
		query.put("code_challenge", Pkce.challenge(verifier));
		query.put("code_challenge_method", "S256");
		Exchange loginPage = agent
			.follow(agent.get(URI.create(stack.issuer() + "authorize?" + UserAgent.formBody(query))));
		Exchange afterLogin = agent
			.follow(agent.submitForm(loginPage, Map.of("username", username, "password", password)), redirectUri);
		if (!afterLogin.isRedirect() || !afterLogin.location().toString().startsWith(redirectUri)) {
			throw new IllegalStateException("login as " + username + " did not come back with a code: "
					+ afterLogin.status() + " " + afterLogin.body());
		}
		String code = QueryParameters.first(afterLogin.location(), "code");
		Map<String, String> exchange = Map.of("grant_type", "authorization_code", "code", code, "redirect_uri",
				redirectUri, "code_verifier", verifier);
		Exchange token = agent.send("POST", URI.create(stack.issuer() + "oauth/token"),
				HttpRequest.BodyPublishers.ofString(UserAgent.formBody(exchange)), "Content-Type",
				"application/x-www-form-urlencoded", "Authorization",
				basic("porter-gateway", "porter-gateway-dev-secret"));
		if (token.status() != 200) {
			throw new IllegalStateException("token exchange failed: " + token.status() + " " + token.body());
		}
		JsonNode body = mapper.readTree(token.body());
		return new Tokens(body.get("access_token").asString(),
				body.hasNonNull("refresh_token") ? body.get("refresh_token").asString() : null,
				body.get("id_token").asString());
	}

	static String basic(String user, String secret) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
	}

}
