package dev.porter.profile.metadata;

/**
 * The media type a metadata change was sent as. Both are applied with Auth0's top-level
 * merge (each top-level key replaces the stored value whole, {@code null} deletes it);
 * they differ only in what the client was promised for an object value.
 */
public enum PatchMediaType {

	/**
	 * {@code application/json}: Auth0's semantics as they are, an object value replaces
	 * the stored one whole.
	 */
	JSON,

	/**
	 * {@code application/merge-patch+json} (RFC 7396), which promises an object value
	 * merged key by key into the stored one. Auth0 would replace it whole instead, losing
	 * the keys the client left out, so an object value is refused; every other value
	 * means the same under both.
	 */
	MERGE_PATCH

}
