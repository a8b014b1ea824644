package dev.porter.profile.config;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * True when {@code REDIS_URL} (property {@code porter.redis.url}) is set and not blank:
 * cache invalidations then reach every instance through Redis; otherwise each instance
 * keeps its caches to itself.
 */
final class RedisEnabled implements Condition {

	static final String PROPERTY = "porter.redis.url";

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return StringUtils.hasText(context.getEnvironment().getProperty(PROPERTY));
	}

	/** The opposite, for the in-memory default. */
	static final class Not implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return !StringUtils.hasText(context.getEnvironment().getProperty(PROPERTY));
		}

	}

}
