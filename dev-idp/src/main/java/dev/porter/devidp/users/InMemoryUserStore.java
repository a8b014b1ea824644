package dev.porter.devidp.users;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import dev.porter.devidp.seed.Seed;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Users from the seed, in memory; restarting dev-idp resets them. */
public final class InMemoryUserStore implements UserStore {

	private final Map<String, ObjectNode> usersById = new ConcurrentHashMap<>();

	private final Map<String, Credentials> credentialsByUsername = new ConcurrentHashMap<>();

	public InMemoryUserStore(Seed seed) {
		for (Seed.User user : seed.users()) {
			String userId = user.profile().get("user_id").asString();
			this.usersById.put(userId, user.profile().deepCopy());
			this.credentialsByUsername.put(user.username(), new Credentials(user.password(), userId));
		}
	}

	@Override
	public List<ObjectNode> findAll() {
		return this.usersById.values().stream().map(ObjectNode::deepCopy).toList();
	}

	@Override
	public Optional<ObjectNode> findById(String userId) {
		return Optional.ofNullable(this.usersById.get(userId)).map(ObjectNode::deepCopy);
	}

	@Override
	public Optional<String> authenticate(String username, String password) {
		Credentials credentials = this.credentialsByUsername.get(username);
		// Development passwords are plain text in the seed; compare in constant time
		// anyway, as a real IdP would.
		if (credentials == null || !MessageDigest.isEqual(credentials.password().getBytes(StandardCharsets.UTF_8),
				password.getBytes(StandardCharsets.UTF_8))) {
			return Optional.empty();
		}
		return Optional.of(credentials.userId());
	}

	@Override
	public Optional<ObjectNode> update(String userId, UnaryOperator<ObjectNode> change) {
		ObjectNode updated = this.usersById.computeIfPresent(userId, (id, stored) -> change.apply(stored.deepCopy()));
		return Optional.ofNullable(updated).map(ObjectNode::deepCopy);
	}

	@Override
	public synchronized Optional<ObjectNode> create(ObjectNode user, String password) {
		// synchronized: the checks and the insert must be one step, or two concurrent
		// sign-ups with one email would both succeed.
		String userId = user.get("user_id").asString();
		String email = emailOf(user);
		JsonNode username = user.get("username");
		List<String> logins = new ArrayList<>();
		if (email != null) {
			logins.add(email);
		}
		if (username != null && username.isString()) {
			logins.add(username.asString());
		}
		// A login name already in use (as someone's username or email) would be taken
		// over: its owner's password would stop working and the new one sign in.
		if (this.usersById.containsKey(userId) || (email != null && emailTaken(email))
				|| logins.stream().anyMatch(this.credentialsByUsername::containsKey)) {
			return Optional.empty();
		}
		this.usersById.put(userId, user.deepCopy());
		logins.forEach((login) -> this.credentialsByUsername.put(login, new Credentials(password, userId)));
		return findById(userId);
	}

	@Override
	public boolean changePassword(String userId, String password) {
		if (!this.usersById.containsKey(userId)) {
			return false;
		}
		this.credentialsByUsername.replaceAll((username, credentials) -> credentials.userId().equals(userId)
				? new Credentials(password, userId) : credentials);
		return true;
	}

	private boolean emailTaken(String email) {
		return this.usersById.values().stream().anyMatch((stored) -> email.equals(emailOf(stored)));
	}

	private static @Nullable String emailOf(ObjectNode user) {
		JsonNode email = user.get("email");
		return (email != null && email.isString()) ? email.asString().toLowerCase(Locale.ROOT) : null;
	}

	private record Credentials(String password, String userId) {
	}

}
