/**
 * The optional shared store: whether {@code REDIS_URL} is set ({@link RedisEnabled}, the
 * condition each feature's Redis beans use), the connection with bounded waits, the
 * readiness check that follows it, how far apart the instances' clocks may be
 * ({@link InstanceClocks}), and whether Redis refused a write for lack of memory
 * ({@link RedisFull}).
 */
@NullMarked
package dev.porter.gateway.redis;

import org.jspecify.annotations.NullMarked;
