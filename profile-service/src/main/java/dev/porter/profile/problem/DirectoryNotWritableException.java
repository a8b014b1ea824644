package dev.porter.profile.problem;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * 501: {@code PATCH /me/metadata} where no user directory is configured
 * ({@code PROFILE_DIRECTORY=none}); no body could make it succeed.
 */
public final class DirectoryNotWritableException extends ErrorResponseException {

	public DirectoryNotWritableException() {
		super(HttpStatus.NOT_IMPLEMENTED, Problems.directoryNotWritable(), null);
	}

}
