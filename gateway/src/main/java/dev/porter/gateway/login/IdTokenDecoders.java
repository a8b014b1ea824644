package dev.porter.gateway.login;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.porter.common.SignatureAlgorithms;

import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenValidator;
import org.springframework.security.oauth2.client.oidc.authentication.ReactiveOidcIdTokenDecoderFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.converter.ClaimTypeConverter;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoderFactory;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The ID token's decoder at the login callback, as Spring Security's
 * {@link ReactiveOidcIdTokenDecoderFactory} builds it (RS256 against the JWKS, the OIDC
 * ID token checks, its claim conversions) but fetching the JWKS through the IdP client
 * with bounded waits, and decoding within {@code OIDC_RESPONSE_TIMEOUT} as a whole:
 * Spring's own fetch has no response timeout, so a JWKS endpoint that never answers would
 * hold the browser's callback open, and the IdP client's bounds the gap between two
 * reads, so a JWKS trickled in a few bytes at a time would hold it as long (a
 * {@link java.util.concurrent.TimeoutException} past it). Its {@code exp}, {@code iat}
 * and {@code nbf} are read on the gateway's clock, which dates the rest of the login, not
 * on the system clock Spring's validators read by default. One decoder per registration,
 * which keeps its fetched keys.
 */
final class IdTokenDecoders implements ReactiveJwtDecoderFactory<ClientRegistration> {

	private final WebClient idpWebClient;

	private final Duration timeout;

	private final Clock clock;

	private final Map<String, ReactiveJwtDecoder> decoders = new ConcurrentHashMap<>();

	IdTokenDecoders(WebClient idpWebClient, Duration timeout, Clock clock) {
		this.idpWebClient = idpWebClient;
		this.timeout = timeout;
		this.clock = clock;
	}

	@Override
	public ReactiveJwtDecoder createDecoder(ClientRegistration registration) {
		return this.decoders.computeIfAbsent(registration.getRegistrationId(), (id) -> bounded(build(registration)));
	}

	private ReactiveJwtDecoder bounded(ReactiveJwtDecoder decoder) {
		return (token) -> decoder.decode(token).timeout(this.timeout);
	}

	private ReactiveJwtDecoder build(ClientRegistration registration) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
			.withJwkSetUri(registration.getProviderDetails().getJwkSetUri())
			.jwsAlgorithms((algorithms) -> SignatureAlgorithms.ASYMMETRIC
				.forEach((algorithm) -> algorithms.add(SignatureAlgorithm.from(algorithm.getName()))))
			.webClient(this.idpWebClient)
			.build();
		// Both check exp (with Spring's default 60 s of clock skew): both on our clock.
		JwtTimestampValidator timestamps = new JwtTimestampValidator();
		timestamps.setClock(this.clock);
		OidcIdTokenValidator idToken = new OidcIdTokenValidator(registration);
		idToken.setClock(this.clock);
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(timestamps, idToken));
		decoder.setClaimSetConverter(
				new ClaimTypeConverter(ReactiveOidcIdTokenDecoderFactory.createDefaultClaimTypeConverters()));
		return decoder;
	}

}
