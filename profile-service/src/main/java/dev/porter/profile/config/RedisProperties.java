package dev.porter.profile.config;

import java.time.Duration;

import io.lettuce.core.RedisURI;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import dev.porter.common.RedisUrls;

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
		if (url != null && !url.isBlank()) {
			// Here, at binding: later, Lettuce's error would quote the password.
			RedisUrls.parse(url, "REDIS_URL");
		}
		if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
			throw new IllegalArgumentException("REDIS_TIMEOUT must be positive");
		}
	}

	/**
	 * What Lettuce connects to, TLS included for {@code rediss://}; only with
	 * {@code REDIS_URL} set.
	 */
	RedisURI uri() {
		return RedisUrls.parse(String.valueOf(this.url), "REDIS_URL");
	}

	/** Never the URL: it may hold Redis's password. */
	@Override
	public String toString() {
		return "RedisProperties[" + ((this.url == null || this.url.isBlank()) ? "REDIS_URL unset" : "REDIS_URL set")
				+ ", timeout=" + this.timeout + "]";
	}

}
