package dev.porter.profile.directory;

import reactor.core.publisher.Mono;

import dev.porter.profile.metadata.MetadataPatch;

/**
 * The user directory behind {@code GET /me} and {@code PATCH /me/metadata}: the user of a
 * token's {@code sub} as an Auth0-shaped profile document, and its {@code user_metadata}.
 * Failures leave as the caller-facing problems of the {@code management} resilience
 * policy (404 user not found, 503 unavailable, 502 bad answer, 4xx refused change).
 */
public interface Directory {

	/** The user whose {@code sub} this is. */
	Mono<DirectoryUser> find(String sub);

	/**
	 * Applies {@code patch} to the user's {@code user_metadata} with Auth0's semantics
	 * (each top-level key replaced whole, {@code null} deletes it, other keys kept) and
	 * returns the user as the directory stored it. Nothing is reported as written before
	 * the directory confirmed it.
	 */
	Mono<DirectoryUser> updateUserMetadata(String sub, MetadataPatch patch);

}
