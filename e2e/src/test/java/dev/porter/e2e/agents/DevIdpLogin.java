package dev.porter.e2e.agents;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.porter.e2e.http.Exchange;
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

	private static final SecureRandom random = new SecureRandom();

	private DevIdpLogin() {
	}

	public static Tokens login(Stack stack, String username, String password) {
		UserAgent agent = new UserAgent();
		String verifier = randomToken();
		String redirectUri = stack.gatewayCallback();
		Map<String, String> query = new LinkedHashMap<>();
		query.put("response_type", "code");
		query.put("client_id", "porter-gateway");
		query.put("redirect_uri", redirectUri);
		query.put("scope", "openid profile email offline_access");
		query.put("audience", Stack.API_AUDIENCE);
		query.put("state", randomToken());
		query.put("nonce", randomToken());
		query.put("code_challenge", challenge(verifier));
		query.put("code_challenge_method", "S256");
		Exchange loginPage = agent
			.follow(agent.get(URI.create(stack.issuer() + "authorize?" + UserAgent.formBody(query))));
		Exchange afterLogin = agent
			.follow(agent.submitForm(loginPage, Map.of("username", username, "password", password)), redirectUri);
		if (!afterLogin.isRedirect() || !afterLogin.location().toString().startsWith(redirectUri)) {
			throw new IllegalStateException("login as " + username + " did not come back with a code: "
					+ afterLogin.status() + " " + afterLogin.body());
		}
		String code = queryParameter(afterLogin.location(), "code");
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

	private static String queryParameter(URI uri, String name) {
		for (String pair : uri.getRawQuery().split("&")) {
			int eq = pair.indexOf('=');
			if (pair.substring(0, eq).equals(name)) {
				return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
			}
		}
		throw new IllegalStateException("no " + name + " in " + uri);
	}

	private static String randomToken() {
		byte[] bytes = new byte[32];
		random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static String challenge(String verifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
