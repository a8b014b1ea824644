package dev.porter.profile.config;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.porter.profile.cache.InvalidationBus;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The caches' clock (a bean so that tests can move time instead of sleeping) and, without
 * Redis, their invalidation bus: none.
 */
@Configuration(proxyBeanMethods = false)
class CacheConfiguration {

	@Bean
	Ticker cacheTicker() {
		return Ticker.systemTicker();
	}

	@Bean
	@Conditional(RedisEnabled.Not.class)
	InvalidationBus directoryInvalidationBus() {
		return InvalidationBus.local();
	}

}
