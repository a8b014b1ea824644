package dev.porter.gateway.token;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatusCode;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;

/**
 * The token endpoint's error answer to a refresh with the HTTP status it came with, and
 * the wait it asked for, which Spring Security's {@link OAuth2AuthorizationException}
 * drops: Auth0 answers both a wrong client secret (401) and an Action's denial (403) with
 * {@code access_denied}, and a rate-limited refresh with how long its bucket stays empty.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2">RFC 6749, 5.2</a>
 */
final class TokenEndpointError extends OAuth2AuthorizationException {

	private final transient HttpStatusCode status;

	private final transient @Nullable Duration askedWait;

	TokenEndpointError(OAuth2AuthorizationException error, HttpStatusCode status) {
		this(error, status, null);
	}

	TokenEndpointError(OAuth2AuthorizationException error, HttpStatusCode status, @Nullable Duration askedWait) {
		super(error.getError(), error);
		this.status = status;
		this.askedWait = askedWait;
	}

	HttpStatusCode status() {
		return this.status;
	}

	/**
	 * How long the answer asked the gateway to wait before it tries again (a 429 or 503
	 * with {@code Retry-After} or Auth0's {@code X-RateLimit-Reset}); null when it did
	 * not.
	 */
	@Nullable Duration askedWait() {
		return this.askedWait;
	}

}
