package dev.porter.profile.directory;

import tools.jackson.databind.node.ObjectNode;

/**
 * A Management API user as Auth0 returned it, every field optional and unknown fields
 * kept; {@code ProfileMerger} decides what of it may be shown.
 */
public record DirectoryUser(ObjectNode attributes) {

	public DirectoryUser {
		attributes = attributes.deepCopy();
	}

	public String userId() {
		return this.attributes.path("user_id").asString("");
	}

}
