package dev.porter.gateway.login;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ReactiveHttpInputMessage;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.web.reactive.function.OAuth2BodyExtractors;
import org.springframework.web.reactive.function.BodyExtractor;

/**
 * The token endpoint's error answer to the login's code exchange, with the HTTP status
 * Spring Security's {@link OAuth2AuthorizationException} drops: Auth0 answers a wrong
 * client secret with {@code 401 access_denied}, the code a user's refusal brings back to
 * the callback.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2">RFC 6749, 5.2</a>
 */
final class CodeExchangeError extends OAuth2AuthorizationException {

	private final transient HttpStatusCode status;

	private CodeExchangeError(OAuth2AuthorizationException error, HttpStatusCode status) {
		super(error.getError(), error);
		this.status = status;
	}

	/** Spring Security's reading of the answer, an error answer's status kept. */
	static Mono<OAuth2AccessTokenResponse> read(ReactiveHttpInputMessage answer, BodyExtractor.Context context) {
		Mono<OAuth2AccessTokenResponse> read = OAuth2BodyExtractors.oauth2AccessTokenResponse()
			.extract(answer, context);
		if (answer instanceof ClientHttpResponse response) {
			return read.onErrorMap(OAuth2AuthorizationException.class,
					(error) -> new CodeExchangeError(error, response.getStatusCode()));
		}
		return read;
	}

	HttpStatusCode status() {
		return this.status;
	}

	/**
	 * Whether the IdP refused the gateway's own client (its id or secret) rather than
	 * this login: the codes RFC 6749 gives a client's fault, or a 401 whose code does not
	 * name the code's own fate (Auth0 says {@code access_denied}); a refused code
	 * ({@code invalid_grant}: replayed, expired) is the login's, whatever the status.
	 */
	boolean clientRejected() {
		String code = getError().getErrorCode();
		if (OAuth2ErrorCodes.INVALID_GRANT.equals(code)) {
			return false;
		}
		return this.status.value() == HttpStatus.UNAUTHORIZED.value() || OAuth2ErrorCodes.INVALID_CLIENT.equals(code)
				|| OAuth2ErrorCodes.UNAUTHORIZED_CLIENT.equals(code);
	}

}
