package dev.porter.profile.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Validates caller tokens (RS256 signature from the JWKS, {@code iss}, {@code aud}
 * containing {@code API_AUDIENCE}, {@code exp}/{@code nbf} with the configured skew) and
 * builds its Nimbus decoder only when the JWKS URI is first known, so that start-up never
 * needs the IdP.
 */
final class LazyJwtDecoder implements ReactiveJwtDecoder {

	private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

	private final Mono<ReactiveJwtDecoder> delegate;

	LazyJwtDecoder(OidcProperties properties, OidcEndpoints endpoints, WebClient webClient) {
		OAuth2TokenValidator<Jwt> validator = validator(properties);
		this.delegate = endpoints.jwksUri()
			.map((jwks) -> nimbus(jwks, webClient, validator))
			.cache((decoder) -> FOREVER, (error) -> Duration.ZERO, () -> Duration.ZERO);
	}

	@Override
	public Mono<Jwt> decode(String token) throws JwtException {
		return this.delegate
			// not a BadJwtException: the token may be fine, the IdP is what failed
			.onErrorMap((ex) -> !(ex instanceof JwtException),
					(ex) -> new JwtException("identity provider metadata unavailable", ex))
			.flatMap((decoder) -> decoder.decode(token));
	}

	static OAuth2TokenValidator<Jwt> validator(OidcProperties properties) {
		return new DelegatingOAuth2TokenValidator<>(
				List.of(new JwtTimestampValidator(properties.clockSkew()), new JwtIssuerValidator(properties.issuer()),
						new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
								(aud) -> aud != null && aud.contains(properties.audience())),
						new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull),
						new JwtClaimValidator<String>(JwtClaimNames.SUB, (sub) -> sub != null && !sub.isBlank())));
	}

	private static ReactiveJwtDecoder nimbus(URI jwks, WebClient webClient, OAuth2TokenValidator<Jwt> validator) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(jwks.toString())
			.jwsAlgorithm(SignatureAlgorithm.RS256)
			.webClient(webClient)
			.build();
		decoder.setJwtValidator(validator);
		return decoder;
	}

}
