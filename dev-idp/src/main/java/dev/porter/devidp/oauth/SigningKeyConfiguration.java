package dev.porter.devidp.oauth;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.porter.devidp.config.DevIdpProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * The one RS256 key dev-idp signs with, generated at start (so every restart rotates it,
 * and resource servers must follow the JWKS as they would with Auth0).
 */
@Configuration(proxyBeanMethods = false)
class SigningKeyConfiguration {

	@Bean
	RSAKey signingKey() throws JOSEException {
		return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE)
			.algorithm(JWSAlgorithm.RS256)
			.keyID(UUID.randomUUID().toString())
			.generate();
	}

	@Bean
	JWKSource<SecurityContext> jwkSource(RSAKey signingKey) {
		return new ImmutableJWKSet<>(new JWKSet(signingKey));
	}

	@Bean
	JwtEncoder jwtEncoder(JWKSource<SecurityContext> jwkSource) {
		return new NimbusJwtEncoder(jwkSource);
	}

	/**
	 * Decodes the bearer tokens sent to {@code /userinfo}, on dev-idp's clock. No clock
	 * skew: a token past its {@code exp} is refused at once, so tests with a short
	 * {@code DEV_IDP_ACCESS_TOKEN_TTL} see expiry when they expect it. Like Auth0's, it
	 * takes only tokens for {@code {issuer}userinfo}: never an ID token (its audience is
	 * the client), nor an access token for an API alone.
	 */
	@Bean
	JwtDecoder jwtDecoder(RSAKey signingKey, DevIdpProperties properties, Clock clock) throws JOSEException {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey(signingKey.toRSAPublicKey()).build();
		JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ZERO);
		timestamps.setClock(clock);
		decoder.setJwtValidator(
				new DelegatingOAuth2TokenValidator<>(timestamps, new JwtIssuerValidator(properties.issuerString()),
						new JwtAudienceValidator(properties.issuerString() + "userinfo")));
		return decoder;
	}

}
