package dev.porter.profile.me;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.porter.profile.metadata.MetadataPatch;
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
	 * Applies {@code patch} to {@code user}'s {@code user_metadata} (400 if that would be
	 * over its own budget: {@link MetadataPatch#applyTo}), then refuses (422) if the
	 * whole profile would be over budget, unless the change
	 * {@linkplain MetadataPatch#growsNoKey grows no key}. A profile other writers took
	 * past the budget (Auth0 accepts that "for now": an Action setting app_metadata,
	 * linked identities) takes deletions and smaller values, or its owner could change
	 * nothing at all; but a deletion earns no credit towards a key set
	 * ({@link MetadataPatch#growsNoKey} says why). One that only deletes never grows it,
	 * and is not measured.
	 */
	static void check(ObjectNode user, ObjectNode userMetadata, MetadataPatch patch, JsonMapper mapper) {
		if (patch.deletesOnly()) {
			return;
		}
		ObjectNode result = user.deepCopy();
		result.set("user_metadata", patch.applyTo(userMetadata, mapper));
		int size = mapper.writeValueAsBytes(result).length;
		if (size > MAX_PROFILE_BYTES && !patch.growsNoKey(userMetadata, mapper)) {
			throw new ProfileTooLargeException(size, mapper.writeValueAsBytes(user).length, MAX_PROFILE_BYTES);
		}
	}

}
