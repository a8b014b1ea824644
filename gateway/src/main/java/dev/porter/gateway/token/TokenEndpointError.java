package dev.porter.gateway.token;

import org.springframework.http.HttpStatusCode;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;

/**
 * The token endpoint's error answer to a refresh with the HTTP status it came with, which
 * Spring Security's {@link OAuth2AuthorizationException} drops: Auth0 answers both a
 * wrong client secret (401) and an Action's denial (403) with {@code access_denied}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2">RFC 6749, 5.2</a>
 */
final class TokenEndpointError extends OAuth2AuthorizationException {

	private final transient HttpStatusCode status;

	TokenEndpointError(OAuth2AuthorizationException error, HttpStatusCode status) {
		super(error.getError(), error);
		this.status = status;
	}

	HttpStatusCode status() {
		return this.status;
	}

}
