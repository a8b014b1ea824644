package dev.porter.gateway.redis;

/**
 * {@code REDIS_URL} names a Redis in a mode the gateway cannot use: a node of a Redis
 * Cluster (cluster mode enabled), or a Sentinel. Reconnecting does not help: the operator
 * must name a Redis with cluster mode disabled.
 */
class UnusableRedisModeException extends RuntimeException {

	UnusableRedisModeException(String mode) {
		super("REDIS_URL names a Redis in " + mode
				+ " mode: the gateway needs one with cluster mode disabled (a primary, with replicas and failover if"
				+ " wanted)");
	}

}
