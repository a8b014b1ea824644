package dev.porter.gateway.logout;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.porter.gateway.support.RedisTemplateExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seen logout tokens against a real {@code redis-server}: two instances (two gateways)
 * share one memory, and it forgets each jti when its token would be stale.
 */
class RedisSeenLogoutTokensTests {

	private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

	@RegisterExtension
	static final RedisTemplateExtension redis = new RedisTemplateExtension();

	@Test
	void firstSightingWhenOtherInstanceSawJtiThenFalse() {
		ReactiveStringRedisTemplate template = redis.template();
		Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
		RedisSeenLogoutTokens first = new RedisSeenLogoutTokens(template, clock);
		RedisSeenLogoutTokens second = new RedisSeenLogoutTokens(template, clock);

		assertThat(first.firstSighting("jti-a", NOW.plusSeconds(180)).block()).isTrue();
		assertThat(second.firstSighting("jti-a", NOW.plusSeconds(180)).block()).isFalse();
		assertThat(second.firstSighting("jti-b", NOW.plusSeconds(180)).block()).isTrue();
	}

	@Test
	void firstSightingWhenOtherInstanceForgotJtiAfterFailedLogoutThenTrueAgain() {
		ReactiveStringRedisTemplate template = redis.template();
		Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
		RedisSeenLogoutTokens first = new RedisSeenLogoutTokens(template, clock);
		RedisSeenLogoutTokens second = new RedisSeenLogoutTokens(template, clock);

		first.firstSighting("jti-d", NOW.plusSeconds(180)).block();
		first.forget("jti-d").block();

		assertThat(second.firstSighting("jti-d", NOW.plusSeconds(180)).block()).isTrue();
	}

	@Test
	void firstSightingWhenRecordedThenKeyExpiresAtForgetTime() {
		ReactiveStringRedisTemplate template = redis.template();
		RedisSeenLogoutTokens seen = new RedisSeenLogoutTokens(template, Clock.fixed(NOW, ZoneOffset.UTC));

		seen.firstSighting("jti-c", NOW.plusSeconds(180)).block();

		assertThat(template.getExpire("porter:logout:jti:jti-c").block()).isBetween(java.time.Duration.ofSeconds(170),
				java.time.Duration.ofSeconds(180));
	}

}
