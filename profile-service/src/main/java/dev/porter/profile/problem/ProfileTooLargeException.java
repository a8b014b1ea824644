package dev.porter.profile.problem;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * 422: the change is valid on its own, but the whole profile it would produce is over
 * Auth0's size budget.
 */
public final class ProfileTooLargeException extends ErrorResponseException {

	public ProfileTooLargeException(int size, int limit) {
		super(HttpStatus.UNPROCESSABLE_CONTENT, Problems.profileTooLarge(size, limit), null);
	}

}
