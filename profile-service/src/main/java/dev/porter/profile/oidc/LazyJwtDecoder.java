package dev.porter.profile.oidc;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import dev.porter.common.SignatureAlgorithms;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Validates caller tokens (RS256 signature from the JWKS, {@code aud} containing
 * {@code API_AUDIENCE}, {@code exp}/{@code nbf} with the configured skew, {@code iss} as
 * the IdP states it) and fetches discovery and the JWKS only when a token first needs
 * them, so that start-up never needs the IdP. A signed, unexpired token refused for its
 * {@code aud}, its {@code iss} or its lack of the user claim is logged
 * ({@link TokenSettingsLog}).
 */
public final class LazyJwtDecoder implements ReactiveJwtDecoder {

	private static final Duration KEYS_TTL = Duration.ofMinutes(10);

	/**
	 * The least time between the starts of two JWKS fetches. A token naming a key we lack
	 * waits for the next fetch, so this is what its caller waits at most (and the fetch)
	 * when the IdP has just rotated in a key; at 30 s such tokens were refused for up to
	 * 30 s. It still holds the fetches to 30 a minute whatever tokens anyone sends, far
	 * below what Auth0's JWKS endpoint allows (20 a second on the Free plan).
	 */
	static final Duration KEYS_MIN_REFETCH = Duration.ofSeconds(2);

	/**
	 * Stale keys serve an IdP outage for as long as the profile caches' default stale
	 * window (1 h) past their 10 minutes.
	 */
	private static final Duration KEYS_STALE_FOR = Duration.ofHours(1);

	/** As long as discovery may take: a JWKS is a few KiB. */
	private static final Duration KEYS_FETCH_TIMEOUT = Duration.ofSeconds(5);

	private final NimbusReactiveJwtDecoder delegate;

	private final OidcEndpoints endpoints;

	private final TokenSettingsLog settingsLog;

	/**
	 * @param timers runs a token's wait for the next fetch of the IdP's keys
	 */
	public LazyJwtDecoder(OidcProperties properties, OidcEndpoints endpoints, WebClient webClient, Clock clock,
			Scheduler timers) {
		this.endpoints = endpoints;
		this.settingsLog = new TokenSettingsLog(clock);
		JwksCache keys = new JwksCache(endpoints.jwksUri(), webClient, KEYS_TTL, KEYS_MIN_REFETCH, KEYS_STALE_FOR,
				KEYS_FETCH_TIMEOUT, clock, timers);
		// The builder takes one algorithm; the key selector it would build, for several.
		this.delegate = NimbusReactiveJwtDecoder.withJwkSource(keys::keys)
			.jwtProcessorCustomizer((processor) -> processor.setJWSKeySelector(
					new JWSVerificationKeySelector<>(SignatureAlgorithms.ASYMMETRIC, new JWKSecurityContextJWKSet())))
			.build();
		this.delegate.setJwtValidator(validator(properties, clock, this.settingsLog));
	}

	@Override
	public Mono<Jwt> decode(String token) throws JwtException {
		// Nimbus reports an unreachable JWKS as IllegalStateException (a 500); as a plain
		// JwtException it becomes an AuthenticationServiceException, answered 503.
		return this.delegate.decode(token)
			.onErrorMap(IllegalStateException.class, (ex) -> new JwtException("identity provider keys unavailable", ex))
			.flatMap(this::checkIssuer);
	}

	/**
	 * {@code iss} must name the issuer ({@link OidcEndpoints#issuer()}); it is known only
	 * once discovery has run, so it is checked after the signature and the other claims.
	 */
	private Mono<Jwt> checkIssuer(Jwt jwt) {
		return this.endpoints.issuer()
			.onErrorMap((ex) -> !(ex instanceof JwtException),
					(ex) -> new JwtException("identity provider discovery unavailable", ex))
			.flatMap((issuer) -> {
				String carried = jwt.getClaimAsString(JwtClaimNames.ISS);
				if (issuer.accepts(carried)) {
					return Mono.just(jwt);
				}
				this.settingsLog.issuerRefused(issuer.value(), carried);
				return Mono.error(new JwtValidationException("the token's issuer is not the IdP's",
						List.of(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "The iss claim is not valid", null))));
			});
	}

	/**
	 * Runs on tokens whose signature verified. Their time first: an expired token is
	 * routine and is refused without a word; an unexpired one for another audience, or
	 * without the claim that names the user, is logged, its cause being a setting.
	 */
	static OAuth2TokenValidator<Jwt> validator(OidcProperties properties, Clock clock, TokenSettingsLog settingsLog) {
		JwtTimestampValidator timestamps = new JwtTimestampValidator(properties.clockSkew());
		timestamps.setClock(clock);
		OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
				(aud) -> aud != null && aud.contains(properties.audience()));
		OAuth2TokenValidator<Jwt> claims = new DelegatingOAuth2TokenValidator<>(
				List.of(new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull),
						new JwtClaimValidator<String>(JwtClaimNames.SUB, (sub) -> sub != null && !sub.isBlank())));
		OAuth2TokenValidator<Jwt> user = new JwtClaimValidator<Object>(properties.userClaim(),
				(id) -> id instanceof String value && !value.isBlank());
		return (jwt) -> {
			OAuth2TokenValidatorResult current = timestamps.validate(jwt);
			if (current.hasErrors()) {
				return current;
			}
			OAuth2TokenValidatorResult forUs = audience.validate(jwt);
			if (forUs.hasErrors()) {
				settingsLog.audienceRefused(properties.audience(), jwt.getAudience());
				return forUs;
			}
			OAuth2TokenValidatorResult complete = claims.validate(jwt);
			if (complete.hasErrors()) {
				return complete;
			}
			OAuth2TokenValidatorResult named = user.validate(jwt);
			if (named.hasErrors()) {
				settingsLog.userClaimMissing(properties.userClaim());
			}
			return named;
		};
	}

}
