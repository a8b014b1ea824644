package dev.porter.profile.oidc;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.porter.common.OncePerInterval;

/**
 * Tokens the IdP signed that are refused because their {@code aud} or {@code iss} is not
 * what this service is configured for, or they lack the claim {@code OIDC_USER_CLAIM}
 * names. The caller gets the same 401 as for any bad token; the cause is a setting
 * (different in the gateway and here, or missing at the IdP), and nothing else would say
 * so. Logged at most once per {@link #INTERVAL} per setting, with a count, naming the
 * setting, the value it expects and the token's: not the token, nor its other claims.
 * Only signed, unexpired tokens get here, so no one without a token of the IdP's can
 * write these lines.
 */
final class TokenSettingsLog {

	static final Duration INTERVAL = Duration.ofMinutes(1);

	private static final Logger log = LoggerFactory.getLogger(TokenSettingsLog.class);

	private final OncePerInterval audience;

	private final OncePerInterval issuer;

	private final OncePerInterval userClaim;

	TokenSettingsLog(Clock clock) {
		this.audience = OncePerInterval.of(INTERVAL, clock);
		this.issuer = OncePerInterval.of(INTERVAL, clock);
		this.userClaim = OncePerInterval.of(INTERVAL, clock);
	}

	void audienceRefused(String expected, @Nullable List<String> carried) {
		long count = this.audience.count();
		if (count > 0) {
			log.warn("a token the identity provider signed was refused: its aud {} does not contain API_AUDIENCE {}; "
					+ "set API_AUDIENCE to the audience the gateway asks for, the same in both services (a trailing "
					+ "slash counts), and have the IdP put it in aud (Keycloak: an audience mapper); {} since the last "
					+ "report", (carried == null || carried.isEmpty()) ? "(none)" : carried, expected, count);
		}
	}

	void issuerRefused(String expected, @Nullable String carried) {
		long count = this.issuer.count();
		if (count > 0) {
			log.warn("a token the identity provider signed was refused: its iss {} is not the issuer {} "
					+ "(OIDC_ISSUER_URI); set OIDC_ISSUER_URI to the issuer the tokens carry, the same in the gateway "
					+ "and here (an Auth0 custom domain or the tenant's domain); {} since the last report",
					(carried == null) ? "(none)" : carried, expected, count);
		}
	}

	/**
	 * Also a machine's token (client credentials) for this API, which names no user: the
	 * line says so, for an operator who sees it beside working logins.
	 */
	void userClaimMissing(String claim) {
		long count = this.userClaim.count();
		if (count > 0) {
			log.warn("a token the identity provider signed was refused: it has no claim {} (OIDC_USER_CLAIM) naming "
					+ "the user; set OIDC_USER_CLAIM to the claim the IdP's access tokens name the user with, as "
					+ "/userinfo's sub does (sub at Auth0 and Keycloak, uid at Okta), unless these are machines' "
					+ "tokens, which name no user; {} since the last report", claim, count);
		}
	}

}
