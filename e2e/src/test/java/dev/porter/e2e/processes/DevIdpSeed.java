package dev.porter.e2e.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * dev-idp's bundled seed with the gateway client's callback and logout URLs pointed at
 * this stack's gateways, which listen on free ports rather than 8080, and with the user
 * the stack warms itself up as ({@link StackWarmUp}).
 */
final class DevIdpSeed {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private DevIdpSeed() {
	}

	static Path forGateways(String label, List<Integer> gatewayPorts) {
		Path bundled = Layout.root().resolve("dev-idp/src/main/resources/seed.json");
		try {
			ObjectNode seed = (ObjectNode) mapper.readTree(Files.readString(bundled));
			for (JsonNode client : seed.get("clients")) {
				if (!gatewayPorts.isEmpty() && client.get("client_id").asString().equals("porter-gateway")) {
					pointAt((ObjectNode) client, gatewayPorts);
				}
			}
			ArrayNode users = (ArrayNode) seed.get("users");
			users.add(warmUpUser((ObjectNode) users.get(0)));
			Path file = Layout.logs().resolve(label + "-seed.json");
			Files.writeString(file, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(seed));
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A user of the database connection, as the bundled first user is, under names and an
	 * id of its own.
	 */
	private static ObjectNode warmUpUser(ObjectNode template) {
		String id = "000000000000000000000001";
		ObjectNode user = template.deepCopy();
		user.put("username", StackWarmUp.USERNAME);
		user.put("password", StackWarmUp.PASSWORD);
		ObjectNode profile = (ObjectNode) user.get("profile");
		profile.put("user_id", "auth0|" + id);
		profile.put("email", StackWarmUp.USERNAME + "@example.com");
		profile.put("username", StackWarmUp.USERNAME);
		profile.put("name", "Stack warm-up");
		profile.put("given_name", "Stack");
		profile.put("family_name", "Warm-up");
		profile.put("nickname", StackWarmUp.USERNAME);
		profile.putObject("user_metadata");
		profile.putObject("app_metadata");
		for (JsonNode identity : profile.get("identities")) {
			((ObjectNode) identity).put("user_id", id);
		}
		return user;
	}

	private static void pointAt(ObjectNode client, List<Integer> ports) {
		ArrayNode callbacks = client.putArray("callbacks");
		ArrayNode logoutUrls = client.putArray("allowed_logout_urls");
		ArrayNode backchannel = client.putArray("backchannel_logout_urls");
		for (int port : ports) {
			String origin = "http://localhost:" + port;
			callbacks.add(origin + "/login/oauth2/code/auth0");
			logoutUrls.add(origin + "/");
			backchannel.add(origin + "/bff/backchannel-logout");
		}
	}

}
