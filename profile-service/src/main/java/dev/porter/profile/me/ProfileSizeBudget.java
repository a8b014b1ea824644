package dev.porter.profile.me;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.porter.profile.problem.ProfileTooLargeException;

/**
 * Auth0's size limit for a whole user profile, checked against the profile a metadata
 * change would produce before the change is sent. Auth0 documents 10 KB for the whole
 * profile, not per metadata object, so a change within the 10 KiB {@code user_metadata}
 * limit can still be too much; sent anyway, it is refused upstream (dev-idp answers 400
 * {@code invalid_body}), after a Management API call spent from the tenant's shared rate
 * limit. Measured as dev-idp measures: the user object serialized as JSON, 10 × 1024
 * bytes.
 *
 * @see <a href=
 * "https://auth0.com/docs/manage-users/user-accounts/metadata/metadata-fields-data">Auth0
 * metadata size limits</a>
 */
final class ProfileSizeBudget {

	static final int MAX_PROFILE_BYTES = 10 * 1024;

	private ProfileSizeBudget() {
	}

	/**
	 * Refuses (422) if {@code user} with its {@code user_metadata} replaced by
	 * {@code userMetadata} would be over budget, unless the change only deletes. A
	 * profile other writers took over the budget (Auth0 accepts that for now: an Action
	 * setting app_metadata, linked identities) may still shrink, or its owner could never
	 * delete a key; only by deletions, since changes checked at once against the same
	 * profile could each look no larger and together grow it.
	 */
	static void check(ObjectNode user, ObjectNode userMetadata, boolean deletesOnly, JsonMapper mapper) {
		if (deletesOnly) {
			return;
		}
		ObjectNode result = user.deepCopy();
		result.set("user_metadata", userMetadata);
		int size = mapper.writeValueAsBytes(result).length;
		if (size > MAX_PROFILE_BYTES) {
			throw new ProfileTooLargeException(size, MAX_PROFILE_BYTES);
		}
	}

}
