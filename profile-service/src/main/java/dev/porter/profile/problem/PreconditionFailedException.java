package dev.porter.profile.problem;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * 412: a precondition of a change is false for the profile as it is now; nothing was
 * changed. Carries the profile's current {@code ETag}, and names the header in its
 * problem ({@code header}).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-13.1">RFC 9110, 13.1
 * Preconditions</a>
 */
public final class PreconditionFailedException extends ErrorResponseException {

	private PreconditionFailedException(ProblemDetail problem, String currentEtag) {
		super(HttpStatus.PRECONDITION_FAILED, problem, null);
		getHeaders().setETag(currentEtag);
	}

	/** {@code If-Match} names none of the current version, {@code currentEtag}. */
	public static PreconditionFailedException ifMatch(String currentEtag) {
		return new PreconditionFailedException(Problems.ifMatchFailed(), currentEtag);
	}

	/** {@code If-None-Match} matches the current version, {@code currentEtag}. */
	public static PreconditionFailedException ifNoneMatch(String currentEtag) {
		return new PreconditionFailedException(Problems.ifNoneMatchFailed(), currentEtag);
	}

}
