package dev.porter.devidp.management;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestTemplate;

/**
 * Decodes Management API access tokens: RS256 JWTs signed by this dev-idp, checked
 * against its own JWKS, {@code iss}, an {@code aud} containing {@code {issuer}api/v2/}
 * and {@code exp} on dev-idp's clock, without clock skew.
 * <p>
 * Deliberately not a {@link JwtDecoder} bean: the authorization-server half validates
 * {@code /userinfo} tokens (another audience) with the context's decoder, and a second
 * bean of that type would displace or clash with it.
 */
final class ManagementTokenDecoder {

	private static final Logger logger = LoggerFactory.getLogger(ManagementTokenDecoder.class);

	private ManagementTokenDecoder() {
	}

	/**
	 * The Management API audience of an issuer, as Auth0's
	 * {@code https://TENANT/api/v2/}.
	 */
	static String audience(String issuer) {
		return issuer + "api/v2/";
	}

	/**
	 * A decoder that fetches the issuer's JWKS on first use (not at start-up), so it
	 * works once the authorization-server half serves {@code /.well-known/jwks.json}.
	 */
	static JwtDecoder forIssuer(String issuer, Clock clock) {
		SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
		requests.setConnectTimeout(Duration.ofSeconds(2));
		requests.setReadTimeout(Duration.ofSeconds(5));
		String jwkSetUri = issuer + ".well-known/jwks.json";
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwkSetUri)
			.jwsAlgorithm(SignatureAlgorithm.RS256)
			.restOperations(new RestTemplate(requests))
			// Auth0 issues "typ":"JWT", or "at+jwt" with the RFC 9068 profile
			.validateType(false)
			.build();
		// No clock skew (Spring's default allows 60 s), as on /userinfo: with a short
		// DEV_IDP_ACCESS_TOKEN_TTL a client that keeps using an expired token must see
		// 401.
		JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ZERO);
		timestamps.setClock(clock);
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(timestamps, new JwtIssuerValidator(issuer),
				new JwtAudienceValidator(audience(issuer))));
		return (token) -> {
			try {
				return decoder.decode(token);
			}
			catch (BadJwtException ex) {
				throw ex;
			}
			catch (JwtException ex) {
				// Not the token's fault: dev-idp could not fetch its own JWKS, as
				// when the issuer names another port than the one it listens on.
				logger.warn("cannot verify Management API tokens: JWKS {} unreachable; "
						+ "DEV_IDP_ISSUER must be the address dev-idp itself listens on", jwkSetUri);
				throw ex;
			}
		};
	}

}
