package dev.porter.gateway.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.session.data.redis.config.annotation.web.server.EnableRedisWebSession;

/**
 * With {@code REDIS_URL} set, the WebSession — and with it the tokens — lives in Redis,
 * so any gateway instance serves any session. The idle timeout given here is only the
 * default for new sessions; the session filter applies the configured one to every
 * session.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(RedisEnabled.class)
@EnableRedisWebSession(redisNamespace = "porter:session", maxInactiveIntervalInSeconds = 1800)
class RedisConfiguration {

	@Bean
	LettuceConnectionFactory redisConnectionFactory(Environment environment) {
		String url = environment.getRequiredProperty(RedisEnabled.PROPERTY);
		return new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(url));
	}

	@Bean
	ReactiveStringRedisTemplate reactiveStringRedisTemplate(ReactiveRedisConnectionFactory connectionFactory) {
		return new ReactiveStringRedisTemplate(connectionFactory);
	}

}
