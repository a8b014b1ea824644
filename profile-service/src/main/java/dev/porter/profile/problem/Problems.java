package dev.porter.profile.problem;

import java.net.URI;
import java.time.Duration;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * The problem types of the profile API: one place for their type URIs and titles.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a>
 */
public final class Problems {

	static final String BASE = "https://porter.example/problems/";

	/** What the caller of a change that may have been applied can do. */
	static final String SEND_AGAIN_IS_SAFE = "Read /me to see whether it was, or send it again: "
			+ "the same change sent twice has the same effect.";

	private Problems() {
	}

	public static ProblemDetail of(HttpStatus status, String type, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(BASE + type));
		problem.setTitle(title);
		return problem;
	}

	/**
	 * A framework's own refusal (a wrong method, an unknown path, an {@code Accept} it
	 * cannot meet, a missing header) under a type of ours, as the gateway writes it; its
	 * detail, which names what was wrong, stays.
	 */
	static ProblemDetail typed(ProblemDetail problem) {
		if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
			problem.setType(URI.create(BASE + "http-" + problem.getStatus()));
		}
		return problem;
	}

	static ProblemDetail unauthorized(String detail) {
		return of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail);
	}

	static ProblemDetail forbidden() {
		return of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "The token does not allow this request.");
	}

	static ProblemDetail upstreamUnavailable(String upstream) {
		return of(HttpStatus.SERVICE_UNAVAILABLE, "upstream-unavailable", "Upstream unavailable",
				"The " + upstream + " service is unavailable and no cached copy can answer; try again later.");
	}

	/**
	 * {@code failure}'s status, type and title, for a change that one of its attempts may
	 * have applied before it failed.
	 */
	static ProblemDetail changeNotConfirmed(ProblemDetail failure) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(failure.getStatus()),
				"The change was not confirmed, but it may have been applied. " + SEND_AGAIN_IS_SAFE);
		problem.setType(failure.getType());
		problem.setTitle(failure.getTitle());
		return problem;
	}

	static ProblemDetail upstreamBadResponse(String upstream) {
		return of(HttpStatus.BAD_GATEWAY, "upstream-bad-response", "Bad upstream response",
				"The " + upstream + " service gave an answer that cannot be used.");
	}

	static ProblemDetail userNotFound() {
		return of(HttpStatus.NOT_FOUND, "user-not-found", "User not found",
				"The user of this token does not exist in the directory.");
	}

	static ProblemDetail callerRateLimited() {
		return of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
				"This user sent too many requests; wait for the time given in Retry-After.");
	}

	static ProblemDetail ownChangeBeforeTooSlow() {
		return of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
				"This user's change before this one took so long that this one could not be sent in time. "
						+ "Nothing was changed; send it again after the time given in Retry-After.");
	}

	static ProblemDetail callerUpstreamShareSpent(int calls, Duration period) {
		String per = (period.toMillisPart() == 0) ? period.toSeconds() + " s" : period.toMillis() + " ms";
		return of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
				"This user's requests needed the identity provider or the user directory more often than one user "
						+ "may (" + calls + " calls per " + per + "); wait for the time given in Retry-After.");
	}

	static ProblemDetail invalidMetadata() {
		return of(HttpStatus.BAD_REQUEST, "invalid-metadata", "Invalid metadata",
				"The body is not a valid user_metadata change; see errors.");
	}

	static ProblemDetail payloadTooLarge(int limit) {
		return of(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large",
				"The body must not exceed " + limit + " bytes.");
	}

	static ProblemDetail upstreamRefused(HttpStatus status, String detail) {
		return of(status, "request-refused", "Request refused", detail);
	}

	static ProblemDetail profileTooLarge(int size, int current, int limit) {
		String allowed = (current > limit) ? "; it is already " + current + " bytes, past the " + limit
				+ " allowed, and while it is a change may only delete keys or give the keys it has values "
				+ "no larger" : ", at most " + limit + " are allowed";
		return of(HttpStatus.UNPROCESSABLE_CONTENT, "profile-too-large", "Profile too large",
				"The profile would exceed Auth0's 10 KB limit: with this change it would be " + size + " bytes"
						+ allowed + ". Nothing was changed.");
	}

	static ProblemDetail storedProfileOverReadLimit() {
		return of(HttpStatus.UNPROCESSABLE_CONTENT, "profile-too-large", "Profile too large",
				"The stored profile is larger than this service reads, far over Auth0's 10 KB limit: until it is "
						+ "smaller, only a change that only deletes keys is accepted. Nothing was changed.");
	}

	/**
	 * {@code If-Match} of a change names no current version of the profile: the client's
	 * copy is out of date.
	 */
	static ProblemDetail ifMatchFailed() {
		return preconditionFailed("If-Match",
				"If-Match names no current version of the profile: it changed since it was read (on another "
						+ "device, or at the identity provider). Nothing was changed. Read /me again (its ETag is "
						+ "this answer's) and make the change on what it shows.");
	}

	/**
	 * {@code If-None-Match} of a change matches the profile's current version.
	 */
	static ProblemDetail ifNoneMatchFailed() {
		return preconditionFailed("If-None-Match",
				"If-None-Match matches the profile's current version (* matches any: the profile exists). "
						+ "Nothing was changed.");
	}

	private static ProblemDetail preconditionFailed(String header, String detail) {
		ProblemDetail problem = of(HttpStatus.PRECONDITION_FAILED, "precondition-failed", "Precondition failed",
				detail);
		problem.setProperty("header", header);
		return problem;
	}

	static ProblemDetail directoryNotWritable() {
		return of(HttpStatus.NOT_IMPLEMENTED, "directory-not-writable", "Directory not writable",
				"This deployment has no writable user directory (PROFILE_DIRECTORY=none): user_metadata cannot be "
						+ "changed here. Nothing was changed.");
	}

	static ProblemDetail directoryLimit() {
		return of(HttpStatus.UNPROCESSABLE_CONTENT, "directory-limit-exceeded", "Directory limit exceeded",
				"The user directory cannot store this change; see errors. Nothing was changed.");
	}

	/**
	 * As the gateway words it.
	 * @param header the header that framed the body: {@code Content-Length} or
	 * {@code Transfer-Encoding}
	 */
	static ProblemDetail bodyIncomplete(String header) {
		ProblemDetail problem = of(HttpStatus.BAD_REQUEST, "body-incomplete", "Body incomplete",
				"The connection ended before the whole body its " + header + " announced.");
		problem.setProperty("header", header);
		return problem;
	}

	static ProblemDetail requestTimeout() {
		return of(HttpStatus.REQUEST_TIMEOUT, "request-timeout", "Request timeout",
				"The request body did not arrive in time. Nothing was changed.");
	}

	/**
	 * A request Reactor Netty could not decode: 414 (request line too long), 431 (headers
	 * too large) or 400 (anything else malformed).
	 */
	static ProblemDetail undecodableRequest(HttpStatus status) {
		return switch (status) {
			case URI_TOO_LONG ->
				of(status, "uri-too-long", "URI too long", "The request line is longer than this server accepts.");
			case REQUEST_HEADER_FIELDS_TOO_LARGE -> of(status, "header-fields-too-large",
					"Request header fields too large", "The request headers are larger than this server accepts.");
			default -> of(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request",
					"The request is not valid HTTP/1.1.");
		};
	}

}
