package dev.porter.profile.userinfo;

import tools.jackson.databind.node.ObjectNode;

/**
 * The caller's {@code /userinfo} claims as the IdP sent them, unknown and namespaced
 * claims included. Read-only by convention: callers copy before changing.
 */
public record Userinfo(ObjectNode claims) {

	public Userinfo {
		claims = claims.deepCopy();
	}

	public String sub() {
		return this.claims.path("sub").asString("");
	}

}
