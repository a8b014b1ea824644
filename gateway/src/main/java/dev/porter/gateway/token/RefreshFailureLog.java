package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;

import dev.porter.common.OncePerInterval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refresh failures that make sessions back off, logged at most once per {@link #INTERVAL}
 * per kind, with a count: a failing IdP or a rejected client fails every session alike,
 * and a line per session and backoff step was thousands of identical lines a minute.
 * {@code porter.token.refreshes} counts each failure.
 */
final class RefreshFailureLog {

	static final Duration INTERVAL = Duration.ofMinutes(1);

	private static final Logger log = LoggerFactory.getLogger(SessionRefresh.class);

	private final OncePerInterval clientRejected;

	private final OncePerInterval failed;

	RefreshFailureLog(Clock clock) {
		this.clientRejected = OncePerInterval.of(INTERVAL, clock);
		this.failed = OncePerInterval.of(INTERVAL, clock);
	}

	void clientRejected(String failure, Duration nextAttemptIn) {
		long count = this.clientRejected.count();
		if (count > 0) {
			log.error("the IdP rejected the gateway's client credentials on refresh ({}): check OIDC_CLIENT_ID and "
					+ "OIDC_CLIENT_SECRET; {} refresh(es) rejected since the last report, sessions retry after {}",
					failure, count, nextAttemptIn);
		}
	}

	void failed(String failure, Duration nextAttemptIn) {
		long count = this.failed.count();
		if (count > 0) {
			log.warn("access token refresh failed ({}): {} failure(s) since the last report, sessions retry after {}",
					failure, count, nextAttemptIn);
		}
	}

}
