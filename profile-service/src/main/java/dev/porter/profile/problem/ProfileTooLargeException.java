package dev.porter.profile.problem;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * 422: the change is valid on its own, but the whole profile it would produce is over
 * Auth0's size budget (and the change sets a key the profile does not have, or a larger
 * value), or the stored profile is too large to check it against.
 */
public final class ProfileTooLargeException extends ErrorResponseException {

	/**
	 * @param size the profile's size with the change
	 * @param current its size now, which may be over {@code limit} already (other
	 * writers)
	 */
	public ProfileTooLargeException(int size, int current, int limit) {
		super(HttpStatus.UNPROCESSABLE_CONTENT, Problems.profileTooLarge(size, current, limit), null);
	}

	private ProfileTooLargeException(Throwable cause) {
		super(HttpStatus.UNPROCESSABLE_CONTENT, Problems.storedProfileOverReadLimit(), cause);
	}

	/**
	 * The stored profile is larger than this service reads ({@code cause}), far over the
	 * budget: a change that sets a key cannot be checked against it, while one that only
	 * deletes is accepted.
	 */
	public static ProfileTooLargeException storedOverReadLimit(Throwable cause) {
		return new ProfileTooLargeException(cause);
	}

}
