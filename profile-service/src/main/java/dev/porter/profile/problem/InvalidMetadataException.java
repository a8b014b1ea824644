package dev.porter.profile.problem;

import java.util.List;
import java.util.Map;

import dev.porter.profile.metadata.Violation;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * 400: the PATCH body broke the metadata rules. {@code errors} lists one entry per bad
 * field, each with a JSON pointer (RFC 6901) into the request body.
 */
public final class InvalidMetadataException extends ErrorResponseException {

	public InvalidMetadataException(List<Violation> violations) {
		super(HttpStatus.BAD_REQUEST, Problems.invalidMetadata(), null);
		getBody().setProperty("errors",
				violations.stream().map((v) -> Map.of("pointer", v.pointer(), "detail", v.detail())).toList());
	}

}
