package dev.porter.devidp.config;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;
import org.springframework.validation.annotation.Validated;

/**
 * dev-idp's settings.
 *
 * @param issuer the issuer, ending with {@code /} as Auth0's does
 * ({@code DEV_IDP_ISSUER})
 * @param allowNonLoopbackIssuer whether an issuer that is not a loopback address may be
 * used ({@code DEV_IDP_ALLOW_NON_LOOPBACK_ISSUER})
 * @param accessTokenTtl access-token lifetime ({@code DEV_IDP_ACCESS_TOKEN_TTL})
 * @param refreshTokenTtl absolute refresh-token lifetime
 * ({@code DEV_IDP_REFRESH_TOKEN_TTL})
 * @param seed the seed file ({@code DEV_IDP_SEED}); the bundled one when unset
 */
@Validated
@ConfigurationProperties("porter.dev-idp")
public record DevIdpProperties(@NotNull(message = "set DEV_IDP_ISSUER") URI issuer,
		@DefaultValue("false") boolean allowNonLoopbackIssuer,
		@DurationMin(seconds = 1,
				message = "DEV_IDP_ACCESS_TOKEN_TTL must be at least 1s") @DefaultValue("1h") Duration accessTokenTtl,
		@DurationMin(seconds = 1,
				message = "DEV_IDP_REFRESH_TOKEN_TTL must be at least 1s") @DefaultValue("30d") Duration refreshTokenTtl,
		@Nullable Resource seed) {

	/**
	 * Whether the issuer may be used: dev-idp hands out tokens for anyone who types a
	 * seeded password, so it must stay on this machine unless told otherwise.
	 */
	@AssertTrue(message = "the issuer (DEV_IDP_ISSUER) must be a loopback address such as http://localhost:9000/; "
			+ "set DEV_IDP_ALLOW_NON_LOOPBACK_ISSUER=true to use another host")
	public boolean isIssuerAllowed() {
		return this.allowNonLoopbackIssuer || this.issuer == null
				|| LoopbackNames.isLoopbackHost(this.issuer.getHost());
	}

	/** The issuer as tokens carry it in {@code iss}, always with its trailing slash. */
	public String issuerString() {
		String value = this.issuer.toString();
		return value.endsWith("/") ? value : value + "/";
	}

}
