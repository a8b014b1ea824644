package dev.porter.e2e.agents;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.UserAgent;
import dev.porter.e2e.processes.Stack;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * dev-idp's Management API read as profile-service's own machine client: what the
 * directory really holds for a user, bypassing every cache in front of it. Its token is
 * reused until shortly before it expires, as profile-service reuses its own: a corpus of
 * refused requests reads the directory twice per case.
 */
public final class DevIdpDirectory {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	/** A token this close to its expiry is replaced rather than sent. */
	private static final Duration MARGIN = Duration.ofSeconds(30);

	private final Stack stack;

	private final UserAgent agent = new UserAgent();

	private @Nullable String token;

	private Instant tokenExpiresAt = Instant.EPOCH;

	public DevIdpDirectory(Stack stack) {
		this.stack = stack;
	}

	/** The user's {@code user_metadata} as the directory stores it now. */
	public JsonNode userMetadata(String userId) {
		Exchange user = this.agent.get(
				URI.create(this.stack.issuer() + "api/v2/users/" + URLEncoder.encode(userId, StandardCharsets.UTF_8)),
				"Authorization", "Bearer " + token(), "Accept", "application/json");
		if (user.status() != 200) {
			throw new IllegalStateException("GET user answered " + user.status() + ": " + user.body());
		}
		return mapper.readTree(user.body()).get("user_metadata");
	}

	private synchronized String token() {
		if (this.token == null || Instant.now().isAfter(this.tokenExpiresAt.minus(MARGIN))) {
			Instant requestedAt = Instant.now();
			JsonNode granted = clientCredentialsGrant();
			this.token = granted.get("access_token").asString();
			this.tokenExpiresAt = requestedAt.plusSeconds(granted.path("expires_in").asLong(0));
		}
		return this.token;
	}

	private JsonNode clientCredentialsGrant() {
		Map<String, String> form = Map.of("grant_type", "client_credentials", "audience",
				this.stack.issuer() + "api/v2/");
		Exchange token = this.agent.send("POST", URI.create(this.stack.issuer() + "oauth/token"),
				HttpRequest.BodyPublishers.ofString(UserAgent.formBody(form)), "Content-Type",
				"application/x-www-form-urlencoded", "Authorization",
				DevIdpLogin.basic("porter-profile", "porter-profile-dev-secret"));
		if (token.status() != 200) {
			throw new IllegalStateException("client_credentials grant answered " + token.status());
		}
		return mapper.readTree(token.body());
	}

}
