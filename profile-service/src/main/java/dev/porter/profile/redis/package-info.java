/**
 * What every user of Redis in profile-service opens alike: the shared reactive connection
 * ({@link dev.porter.profile.redis.RedisConnections}). Uses no other package of the
 * service.
 */
@NullMarked
package dev.porter.profile.redis;

import org.jspecify.annotations.NullMarked;
