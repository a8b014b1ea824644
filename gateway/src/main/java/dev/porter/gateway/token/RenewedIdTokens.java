package dev.porter.gateway.token;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoderFactory;

/**
 * Accepts the ID token a refresh returned only as OIDC Core 12.2 allows: checked by the
 * decoder that checked the login's (signature, {@code iss}, {@code aud}, {@code exp}),
 * and for the same {@code sub}. One that fails the checks, or cannot be checked within
 * {@link #CHECK_WITHIN}, keeps the login's ID token, and the refresh stands, since the
 * IdP has already rotated the refresh token. One that passes them for another {@code sub}
 * says the fresh tokens are another user's: the refresh is refused.
 *
 * @see <a href=
 * "https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse">OIDC Core
 * 12.2</a>
 */
class RenewedIdTokens {

	/**
	 * How long the check may take: it may fetch the JWKS through the IdP client, and it
	 * runs while the refresh holds its session's lock, whose lease counts it.
	 */
	static final Duration CHECK_WITHIN = Duration.ofSeconds(5);

	private static final Logger log = LoggerFactory.getLogger(RenewedIdTokens.class);

	private final ReactiveJwtDecoderFactory<ClientRegistration> decoders;

	RenewedIdTokens(ReactiveJwtDecoderFactory<ClientRegistration> decoders) {
		this.decoders = decoders;
	}

	/**
	 * {@code idToken} decoded, when it may replace the login's ID token of
	 * {@code current}; empty when there is none or it may not; fails with
	 * {@link AnotherUser} when it is verified and names another {@code sub}.
	 */
	Mono<Jwt> accepted(@Nullable String idToken, OAuth2AuthorizedClient current) {
		if (idToken == null) {
			return Mono.empty();
		}
		return this.decoders.createDecoder(current.getClientRegistration())
			.decode(idToken)
			.timeout(CHECK_WITHIN)
			.onErrorResume((ex) -> {
				log.warn("the ID token of a refresh was {} ({}): keeping the login's",
						(ex instanceof TimeoutException) ? "not checked in time" : "refused",
						ex.getClass().getSimpleName());
				return Mono.empty();
			})
			.flatMap((renewed) -> current.getPrincipalName().equals(renewed.getSubject()) ? Mono.just(renewed)
					: Mono.error(new AnotherUser()));
	}

	/** A verified renewed ID token names another {@code sub} than the login's. */
	static final class AnotherUser extends RuntimeException {

		AnotherUser() {
			super("the renewed ID token names another sub than the login's", null, false, false);
		}

	}

}
