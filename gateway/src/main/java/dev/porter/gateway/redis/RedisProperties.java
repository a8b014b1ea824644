package dev.porter.gateway.redis;

import java.time.Duration;

import dev.porter.common.RedisUrls;
import io.lettuce.core.RedisURI;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The shared store.
 *
 * @param url {@code REDIS_URL}: {@code redis://} or {@code rediss://}, with a password if
 * Redis needs one; empty keeps everything in memory
 * @param timeout {@code REDIS_TIMEOUT}: how long one Redis command, or opening the
 * connection, may take before the request is answered {@code 503}; the readiness check is
 * bounded by it too
 */
@Validated
@ConfigurationProperties("porter.redis")
record RedisProperties(@DefaultValue("") String url,
		@NotNull(message = "set REDIS_TIMEOUT") @DefaultValue("500ms") Duration timeout) {

	RedisProperties {
		if (!url.isBlank()) {
			// Here, at binding: later, Lettuce's error would quote the password.
			RedisUrls.parse(url, "REDIS_URL");
		}
	}

	/** What Lettuce connects to, TLS included for {@code rediss://}. */
	RedisURI uri() {
		return RedisUrls.parse(this.url, "REDIS_URL");
	}

	@AssertTrue(message = "REDIS_TIMEOUT must be positive")
	public boolean isTimeoutPositive() {
		return !this.timeout.isNegative() && !this.timeout.isZero();
	}

	/** Never the URL: it may hold Redis's password. */
	@Override
	public String toString() {
		return "RedisProperties[" + ((this.url.isBlank()) ? "REDIS_URL unset" : "REDIS_URL set") + ", timeout="
				+ this.timeout + "]";
	}

}
