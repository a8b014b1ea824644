package dev.porter.gateway.redis;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * True when {@code REDIS_URL} (property {@code porter.redis.url}) is set and not blank:
 * sessions, refresh locks, the logout registry and rate limits are then shared through
 * Redis; otherwise everything stays in memory.
 */
public final class RedisEnabled implements Condition {

	public static final String PROPERTY = "porter.redis.url";

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return StringUtils.hasText(context.getEnvironment().getProperty(PROPERTY));
	}

	/** The opposite, for the in-memory defaults. */
	public static final class Not implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return !StringUtils.hasText(context.getEnvironment().getProperty(PROPERTY));
		}

	}

}
