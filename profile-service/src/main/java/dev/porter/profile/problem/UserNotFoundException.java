package dev.porter.profile.problem;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 404: the token's subject is not (or no longer) in the directory. */
public final class UserNotFoundException extends ErrorResponseException {

	public UserNotFoundException() {
		super(HttpStatus.NOT_FOUND, Problems.userNotFound(), null);
	}

}
