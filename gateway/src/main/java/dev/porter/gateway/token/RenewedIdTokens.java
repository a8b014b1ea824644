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
 * and for the same {@code sub}, within {@link #CHECK_WITHIN}. Anything else keeps the
 * login's ID token; the refresh itself stands either way, since the IdP has already
 * rotated the refresh token.
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
	 * {@code current}; empty when there is none or it may not.
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
			.filter((renewed) -> sameUser(renewed, current));
	}

	private static boolean sameUser(Jwt renewed, OAuth2AuthorizedClient current) {
		if (current.getPrincipalName().equals(renewed.getSubject())) {
			return true;
		}
		log.warn("the ID token of a refresh names another sub than the login's: keeping the login's");
		return false;
	}

}
