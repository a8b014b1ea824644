package dev.porter.devidp.users;

import java.util.Optional;
import java.util.function.UnaryOperator;

import tools.jackson.databind.node.ObjectNode;

/**
 * The user directory: Auth0 user objects keyed by {@code user_id} (for example
 * {@code auth0|5f7c…}), held in memory. Every object handed out is a copy, so callers can
 * never change the stored user behind the store's back.
 */
public interface UserStore {

	/** The user with that id, or empty when there is none. */
	Optional<ObjectNode> findById(String userId);

	/**
	 * The {@code user_id} of the user with that username and password, or empty when they
	 * do not match.
	 */
	Optional<String> authenticate(String username, String password);

	/**
	 * Applies {@code change} to a copy of the stored user atomically and stores its
	 * result.
	 * @return the stored result, or empty when there is no such user
	 */
	Optional<ObjectNode> update(String userId, UnaryOperator<ObjectNode> change);

}
