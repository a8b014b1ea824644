package dev.porter.devidp.users;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import dev.porter.devidp.seed.Seed;
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
	public Optional<ObjectNode> findById(String userId) {
		return Optional.ofNullable(this.usersById.get(userId)).map(ObjectNode::deepCopy);
	}

	@Override
	public Optional<String> authenticate(String username, String password) {
		Credentials credentials = this.credentialsByUsername.get(username);
		// Development passwords are plain text in the seed; compare in constant time
		// anyway, as a real IdP would.
		if (credentials == null
				|| !java.security.MessageDigest.isEqual(credentials.password().getBytes(), password.getBytes())) {
			return Optional.empty();
		}
		return Optional.of(credentials.userId());
	}

	@Override
	public Optional<ObjectNode> update(String userId, UnaryOperator<ObjectNode> change) {
		ObjectNode updated = this.usersById.computeIfPresent(userId, (id, stored) -> change.apply(stored.deepCopy()));
		return Optional.ofNullable(updated).map(ObjectNode::deepCopy);
	}

	private record Credentials(String password, String userId) {
	}

}
