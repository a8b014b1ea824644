package dev.porter.gateway.logout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The seen {@code jti}s shared by every gateway instance: one {@code SET NX} key per
 * token, expiring when the token would fail validation anyway. The first instance to set
 * the key acts on the token; every other delivery of it, to any instance, is refused.
 */
class RedisSeenLogoutTokens implements SeenLogoutTokens {

	private static final String PREFIX = "porter:logout:jti:";

	/** Redis refuses a zero or negative expiry; a token at its limit is kept a moment. */
	private static final Duration MINIMUM = Duration.ofSeconds(1);

	private final ReactiveStringRedisTemplate redis;

	private final Clock clock;

	RedisSeenLogoutTokens(ReactiveStringRedisTemplate redis, Clock clock) {
		this.redis = redis;
		this.clock = clock;
	}

	@Override
	public Mono<Boolean> firstSighting(String jti, Instant forgetAt) {
		Duration left = Duration.between(this.clock.instant(), forgetAt);
		return this.redis.opsForValue()
			.setIfAbsent(PREFIX + jti, "1", (left.compareTo(MINIMUM) < 0) ? MINIMUM : left)
			.defaultIfEmpty(false);
	}

	@Override
	public Mono<Void> forget(String jti) {
		return this.redis.delete(PREFIX + jti).then();
	}

}
