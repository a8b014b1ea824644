package dev.porter.profile.config;

import com.github.benmanes.caffeine.cache.Ticker;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The caches' clock: a bean so that tests can move time instead of sleeping. */
@Configuration(proxyBeanMethods = false)
class CacheConfiguration {

	@Bean
	Ticker cacheTicker() {
		return Ticker.systemTicker();
	}

}
