package dev.porter.gateway.redis;

import java.time.Duration;

/**
 * How far apart the gateway instances' wall clocks may be when one reads a time another
 * wrote to Redis: a refresh backoff's end kept in the session
 * ({@code token.RefreshFailurePolicy}), a back-channel registration's time
 * ({@code session.RedisSessionRegistry}). Far more than NTP leaves between hosts, far
 * less than a step worth noticing.
 */
public final class InstanceClocks {

	public static final Duration SKEW_ALLOWANCE = Duration.ofSeconds(30);

	private InstanceClocks() {
	}

}
