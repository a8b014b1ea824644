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
	 * {@code userMetadata} would be over budget and larger than {@code user} is now. A
	 * profile other writers took past the budget (Auth0 accepts that "for now": an Action
	 * setting app_metadata, linked identities) takes any change that does not grow it, or
	 * its owner could change nothing at all. Her changes that set keys are checked one at
	 * a time, each against her user as the one before left it ({@code MeService}), so
	 * that changes that each do not grow it cannot together; one that only deletes never
	 * grows it, and is not measured.
	 */
	static void check(ObjectNode user, ObjectNode userMetadata, boolean deletesOnly, JsonMapper mapper) {
		if (deletesOnly) {
			return;
		}
		ObjectNode result = user.deepCopy();
		result.set("user_metadata", userMetadata);
		int size = mapper.writeValueAsBytes(result).length;
		if (size <= MAX_PROFILE_BYTES) {
			return;
		}
		int current = mapper.writeValueAsBytes(user).length;
		if (size > current) {
			throw new ProfileTooLargeException(size, current, MAX_PROFILE_BYTES);
		}
	}

}
