package dev.porter.gateway.login;

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
 * with bounded waits: Spring's own fetch has no response timeout, so a JWKS endpoint that
 * never answers would hold the browser's callback open. One decoder per registration,
 * which keeps its fetched keys.
 */
final class IdTokenDecoders implements ReactiveJwtDecoderFactory<ClientRegistration> {

	private final WebClient idpWebClient;

	private final Map<String, ReactiveJwtDecoder> decoders = new ConcurrentHashMap<>();

	IdTokenDecoders(WebClient idpWebClient) {
		this.idpWebClient = idpWebClient;
	}

	@Override
	public ReactiveJwtDecoder createDecoder(ClientRegistration registration) {
		return this.decoders.computeIfAbsent(registration.getRegistrationId(), (id) -> build(registration));
	}

	private ReactiveJwtDecoder build(ClientRegistration registration) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
			.withJwkSetUri(registration.getProviderDetails().getJwkSetUri())
			.jwsAlgorithms((algorithms) -> SignatureAlgorithms.ASYMMETRIC
				.forEach((algorithm) -> algorithms.add(SignatureAlgorithm.from(algorithm.getName()))))
			.webClient(this.idpWebClient)
			.build();
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(),
				new OidcIdTokenValidator(registration)));
		decoder.setClaimSetConverter(
				new ClaimTypeConverter(ReactiveOidcIdTokenDecoderFactory.createDefaultClaimTypeConverters()));
		return decoder;
	}

}
