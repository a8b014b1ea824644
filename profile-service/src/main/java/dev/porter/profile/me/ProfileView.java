package dev.porter.profile.me;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A merged profile ready to send: its JSON, a strong {@code ETag} over exactly those
 * bytes, and its {@code Cache-Status}.
 *
 * @param json the serialized profile
 * @param etag quoted entity tag
 * @param cacheStatus RFC 9211 member
 */
record ProfileView(byte[] json, String etag, String cacheStatus) {

	static ProfileView of(ObjectNode profile, String cacheStatus, JsonMapper mapper) {
		byte[] json = mapper.writeValueAsBytes(profile);
		return new ProfileView(json, etag(json), cacheStatus);
	}

	/**
	 * RFC 9110 §13.1.2: weak comparison, so a {@code W/} prefix from a proxy still
	 * matches.
	 */
	boolean matches(String ifNoneMatch) {
		return Arrays.stream(ifNoneMatch.split(","))
			.map(String::trim)
			.map((tag) -> tag.startsWith("W/") ? tag.substring(2) : tag)
			.anyMatch((tag) -> tag.equals("*") || tag.equals(this.etag));
	}

	private static String etag(byte[] json) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
			return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 18)) + "\"";
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is always available", ex);
		}
	}

}
