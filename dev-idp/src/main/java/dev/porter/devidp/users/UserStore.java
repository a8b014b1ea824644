package dev.porter.devidp.users;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import tools.jackson.databind.node.ObjectNode;

/**
 * The user directory: Auth0 user objects keyed by {@code user_id} (for example
 * {@code auth0|5f7c…}), held in memory. Every object handed out is a copy, so callers can
 * never change the stored user behind the store's back.
 */
public interface UserStore {

	/** Every user, as copies, in no particular order. */
	List<ObjectNode> findAll();

	/** The user with that id, or empty when there is none. */
	Optional<ObjectNode> findById(String userId);

	/**
	 * The {@code user_id} of the user with that username and password, or empty when they
	 * do not match.
	 */
	Optional<String> authenticate(String username, String password);

	/**
	 * Applies {@code change} to a copy of the stored user atomically and stores its
	 * result. When {@code change} throws, the stored user stays as it was and the
	 * exception propagates.
	 * @return the stored result, or empty when there is no such user
	 */
	Optional<ObjectNode> update(String userId, UnaryOperator<ObjectNode> change);

	/**
	 * Stores a new database user who signs in with their {@code email} (and their
	 * {@code username}, when the user has one) and {@code password}, unless a user with
	 * the same email, compared ignoring case, or the same {@code user_id} exists.
	 * @return the stored user, or empty when the email or id is taken
	 */
	Optional<ObjectNode> create(ObjectNode user, String password);

	/**
	 * Replaces the password of the user with that id.
	 * @return whether there is such a user
	 */
	boolean changePassword(String userId, String password);

}
