/**
 * The optional shared store: whether {@code REDIS_URL} is set ({@link RedisEnabled}, the
 * condition each feature's Redis beans use), the connection with bounded waits, the
 * readiness check that follows it, and how far apart the instances' clocks may be
 * ({@link InstanceClocks}).
 */
@NullMarked
package dev.porter.gateway.redis;

import org.jspecify.annotations.NullMarked;
