package dev.porter.gateway.redis;

/**
 * A connection reached a Redis replica, which refuses every write: what a failover that
 * leaves the old primary running makes of it.
 */
class ConnectedToReplicaException extends RuntimeException {

	ConnectedToReplicaException(String role) {
		super("connected to a Redis " + role + ", not a primary");
	}

}
