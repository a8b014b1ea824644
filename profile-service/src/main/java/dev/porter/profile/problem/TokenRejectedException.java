package dev.porter.profile.problem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * 401: the token passed our checks but the identity provider's {@code /userinfo} refused
 * it.
 */
public final class TokenRejectedException extends ErrorResponseException {

	public TokenRejectedException() {
		super(HttpStatus.UNAUTHORIZED,
				Problems.unauthorized("The identity provider did not accept this access token for /userinfo."), null);
		getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
	}

}
