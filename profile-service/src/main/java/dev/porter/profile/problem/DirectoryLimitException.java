package dev.porter.profile.problem;

import java.util.List;
import java.util.Map;

import dev.porter.profile.metadata.Violation;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * 422: the change is valid metadata, but the configured directory cannot store it (e.g. a
 * value longer than a Keycloak attribute may be). {@code errors} names each key with a
 * JSON pointer into the request body.
 */
public final class DirectoryLimitException extends ErrorResponseException {

	public DirectoryLimitException(List<Violation> violations) {
		super(HttpStatus.UNPROCESSABLE_CONTENT, Problems.directoryLimit(), null);
		getBody().setProperty("errors",
				violations.stream().map((v) -> Map.of("pointer", v.pointer(), "detail", v.detail())).toList());
	}

}
