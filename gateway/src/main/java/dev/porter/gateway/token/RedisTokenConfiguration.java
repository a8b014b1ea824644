package dev.porter.gateway.token;

import dev.porter.gateway.redis.RedisEnabled;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * With sessions shared in Redis, one refresh per session across every gateway instance (a
 * lease in Redis).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(RedisEnabled.class)
class RedisTokenConfiguration {

	@Bean
	RefreshLock redisRefreshLock(ReactiveStringRedisTemplate redis, TokenProperties properties) {
		return new RedisRefreshLock(redis, properties.lockLease());
	}

}
