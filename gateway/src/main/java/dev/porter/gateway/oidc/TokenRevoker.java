package dev.porter.gateway.oidc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Revokes a session's refresh token wherever the session ends without it (logout, a user
 * ending one of their sessions, a back-channel logout, a refresh that finds its session
 * ended), where discovery advertises a {@code revocation_endpoint}. Best effort: the
 * local session ends whatever the IdP answers, and a slow IdP cannot hold up the logout.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009">RFC 7009 Token Revocation</a>
 */
public class TokenRevoker {

	private static final Logger log = LoggerFactory.getLogger(TokenRevoker.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(3);

	private final WebClient webClient;

	public TokenRevoker(WebClient webClient) {
		this.webClient = webClient;
	}

	/**
	 * Revokes nothing ({@code OIDC_REVOKE_REFRESH_TOKENS=false}): sessions still end,
	 * their refresh tokens stay valid at the IdP until they expire.
	 */
	static TokenRevoker off(WebClient webClient) {
		return new TokenRevoker(webClient) {

			@Override
			public Mono<Void> revoke(ClientRegistration registration, @Nullable OAuth2RefreshToken refreshToken) {
				return Mono.empty();
			}

		};
	}

	public Mono<Void> revoke(OAuth2AuthorizedClient client) {
		return revoke(client.getClientRegistration(), client.getRefreshToken());
	}

	/**
	 * Revokes {@code refreshToken} of a client registration; does nothing without a token
	 * or without a revocation endpoint, and never fails.
	 */
	public Mono<Void> revoke(ClientRegistration registration, @Nullable OAuth2RefreshToken refreshToken) {
		Object endpoint = registration.getProviderDetails().getConfigurationMetadata().get("revocation_endpoint");
		if (refreshToken == null || !(endpoint instanceof String uri)) {
			return Mono.empty();
		}
		return this.webClient.post()
			.uri(uri)
			.headers((headers) -> headers.setBasicAuth(formEncoded(registration.getClientId()),
					formEncoded(registration.getClientSecret())))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("token", refreshToken.getTokenValue())
				.with("token_type_hint", "refresh_token"))
			.retrieve()
			.toBodilessEntity()
			.timeout(TIMEOUT)
			.doOnNext((response) -> log.debug("refresh token revoked"))
			.onErrorResume((ex) -> {
				log.warn("refresh token revocation failed at {}: {}", uri, IdpFailures.describe(ex));
				return Mono.empty();
			})
			.then();
	}

	/**
	 * RFC 6749 2.3.1, as Spring Security's token calls send them: an IdP that decodes the
	 * credentials (Keycloak) refused a secret with {@code +}, {@code /}, {@code =} or
	 * {@code %} sent raw, and a colon in the id could not be sent at all.
	 */
	private static String formEncoded(@Nullable String value) {
		return URLEncoder.encode((value != null) ? value : "", StandardCharsets.UTF_8);
	}

}
