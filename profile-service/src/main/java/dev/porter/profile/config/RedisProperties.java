package dev.porter.profile.config;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The optional Redis shared by the instances.
 *
 * @param url {@code REDIS_URL}; blank: no Redis, caches per instance
 * @param timeout {@code REDIS_TIMEOUT}: the longest one Redis command (and a connect) may
 * take, hence the longest a failing Redis can delay a {@code PATCH}
 */
@Validated
@ConfigurationProperties("porter.redis")
public record RedisProperties(@Nullable String url,
		@NotNull(message = "set REDIS_TIMEOUT (e.g. 500ms)") Duration timeout) {

	public RedisProperties {
		if (url != null && !url.isBlank() && !url.startsWith("redis://") && !url.startsWith("rediss://")) {
			// a host:port without scheme would otherwise fail later, naming no variable
			throw new IllegalArgumentException("REDIS_URL must be a redis:// or rediss:// URL");
		}
		if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
			throw new IllegalArgumentException("REDIS_TIMEOUT must be positive");
		}
	}

}
