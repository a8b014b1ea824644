package dev.porter.profile.directory;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A directory user in the shape of an Auth0 Management API user, every field optional and
 * unknown fields kept; {@code ProfileMerger} decides what of it may be shown.
 */
public record DirectoryUser(ObjectNode attributes) {

	public DirectoryUser {
		attributes = attributes.deepCopy();
	}

	/**
	 * No directory ({@code PROFILE_DIRECTORY=none}): nothing beyond {@code /userinfo}.
	 */
	public static DirectoryUser none() {
		return new DirectoryUser(JsonNodeFactory.instance.objectNode());
	}

	public String userId() {
		return this.attributes.path("user_id").asString("");
	}

}
