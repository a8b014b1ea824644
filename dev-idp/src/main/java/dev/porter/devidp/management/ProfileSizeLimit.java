package dev.porter.devidp.management;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.util.unit.DataSize;

/**
 * Auth0's 10 KB limit on a whole user profile. Auth0 documents that oversized writes
 * "succeed for now, but may start to fail"; dev-idp refuses them by default so that
 * clients meet the failure in development first
 * ({@code DEV_IDP_ENFORCE_PROFILE_SIZE_LIMIT} turns it off).
 * <p>
 * [?] The status and body Auth0 will use are undocumented: dev-idp answers 400
 * {@code invalid_body}.
 *
 * @param enforced whether oversized profiles are refused
 * @param limit the largest serialized profile accepted
 */
record ProfileSizeLimit(boolean enforced, DataSize limit) {

	/** A new user: refused when over the limit. */
	void check(ObjectNode user, JsonMapper mapper) {
		checkChange(null, user, mapper);
	}

	/**
	 * A change of {@code before} into {@code after}: refused when {@code after} is over
	 * the limit and larger than {@code before}. A profile already over it (written while
	 * the limit was off, as Auth0 still lets it be) may shrink, or its owner could never
	 * delete anything from it.
	 */
	void checkChange(@Nullable ObjectNode before, ObjectNode after, JsonMapper mapper) {
		if (!this.enforced) {
			return;
		}
		int size = size(after, mapper);
		if (size > this.limit.toBytes() && (before == null || size > size(before, mapper))) {
			throw ManagementApiException.invalidBody("The user profile would be " + size
					+ " bytes, over the size limit of " + this.limit.toBytes() + " bytes", null);
		}
	}

	private static int size(ObjectNode user, JsonMapper mapper) {
		return mapper.writeValueAsString(user).getBytes(StandardCharsets.UTF_8).length;
	}

}
