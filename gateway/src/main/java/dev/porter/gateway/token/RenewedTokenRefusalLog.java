package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;

import dev.porter.common.OncePerInterval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API refusing an access token the gateway renewed on its refusal of the one before
 * ({@link SessionTokens#RENEWED_ON_REFUSAL}): no fault of the session or the IdP, which
 * another refresh would mend, but of the configuration, which the operator must see:
 * profile-service expects another {@code API_AUDIENCE} than the gateway asks the IdP for,
 * or takes no token of this IdP. Every request of every session meets it, so it is logged
 * at most once per {@link #INTERVAL}, with a count; the users see the API's {@code 401}
 * without {@code login_url}.
 */
final class RenewedTokenRefusalLog {

	static final Duration INTERVAL = Duration.ofMinutes(1);

	private static final Logger log = LoggerFactory.getLogger(RenewedTokenRefusalLog.class);

	private final OncePerInterval refusals;

	RenewedTokenRefusalLog(Clock clock) {
		this.refusals = OncePerInterval.of(INTERVAL, clock);
	}

	void refusedAgain() {
		long count = this.refusals.count();
		if (count > 0) {
			log.warn("the API refused an access token renewed on its refusal of the one before: its 401 is relayed "
					+ "as it is, and the token not renewed again; check that profile-service's API_AUDIENCE is the "
					+ "gateway's and that it takes this IdP's tokens; {} since the last report", count);
		}
	}

}
