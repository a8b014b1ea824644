package dev.porter.profile.me;

import org.jspecify.annotations.Nullable;

import dev.porter.profile.problem.PreconditionFailedException;

import org.springframework.http.ETag;

/**
 * The preconditions a change was sent with, evaluated against the profile's current
 * {@code ETag} in RFC 9110's order: {@code If-Match} (strong comparison), then
 * {@code If-None-Match} (weak). {@code If-Unmodified-Since} is not among them:
 * {@code /me} has no modification date (it sends no {@code Last-Modified}), and §13.1.4
 * has a server without one ignore it.
 *
 * @param ifMatch the {@code If-Match} header, its lines joined by commas
 * @param ifNoneMatch the {@code If-None-Match} header, its lines joined by commas
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-13.2.2">RFC 9110, 13.2.2
 * Precedence of Preconditions</a>
 */
record Preconditions(@Nullable String ifMatch, @Nullable String ifNoneMatch) {

	/** Whether the change is sent unconditionally. */
	boolean none() {
		return this.ifMatch == null && this.ifNoneMatch == null;
	}

	/**
	 * Returns when every precondition holds for the profile whose entity tag is
	 * {@code currentEtag}; throws a 412 naming the first that does not. An
	 * {@code If-Match} that names no valid entity tag holds for no version.
	 */
	void check(String currentEtag) {
		ETag current = ETag.create(currentEtag);
		if (this.ifMatch != null && !anyMatches(this.ifMatch, current, true)) {
			throw PreconditionFailedException.ifMatch(currentEtag);
		}
		if (this.ifNoneMatch != null && anyMatches(this.ifNoneMatch, current, false)) {
			throw PreconditionFailedException.ifNoneMatch(currentEtag);
		}
	}

	/**
	 * {@code *} (her profile always exists), or a tag of the list equal to the current.
	 */
	private static boolean anyMatches(String tags, ETag current, boolean strong) {
		return ETag.parse(tags).stream().anyMatch((tag) -> tag.isWildcard() || tag.compare(current, strong));
	}

}
