package dev.porter.profile.problem;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 502: an upstream answered, but with something that cannot be used. */
public final class UpstreamBadResponseException extends ErrorResponseException {

	public UpstreamBadResponseException(String upstream, @Nullable Throwable cause) {
		super(HttpStatus.BAD_GATEWAY, Problems.upstreamBadResponse(upstream), cause);
	}

}
