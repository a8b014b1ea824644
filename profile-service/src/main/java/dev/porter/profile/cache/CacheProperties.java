package dev.porter.profile.cache;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The two profile caches.
 *
 * @param userinfo {@code /userinfo} claims per (sub, granted scopes)
 * @param directory the Management API user per sub
 * @param failedLoadPause how long a failed load or revalidation of one entry is not
 * repeated when its answer names no wait ({@code PROFILE_FAILED_LOAD_PAUSE}; see
 * {@link SwrCache})
 */
@Validated
@ConfigurationProperties("porter.cache")
public record CacheProperties(@Valid @NotNull Spec userinfo, @Valid @NotNull Spec directory,
		@NotNull(message = "set PROFILE_FAILED_LOAD_PAUSE") @DurationMin(millis = 1,
				message = "PROFILE_FAILED_LOAD_PAUSE must be between 1ms and 15s") @DurationMax(seconds = 15,
						message = "PROFILE_FAILED_LOAD_PAUSE must be between 1ms and 15s") Duration failedLoadPause) {

	/**
	 * @param freshFor how long an entry is served without asking upstream
	 * @param staleFor how long past {@code freshFor} an entry may still be served while
	 * it is revalidated or while the upstream fails
	 * @param maximumSize entries kept at most
	 */
	public record Spec(@NotNull(message = "set the cache fresh-for TTL") Duration freshFor,
			@NotNull(message = "set the cache stale window") Duration staleFor,
			@Positive(message = "the cache maximum size must be positive") long maximumSize) {

		public Spec {
			if (freshFor != null && (freshFor.isNegative() || freshFor.isZero())) {
				throw new IllegalArgumentException("the cache fresh-for TTL must be positive");
			}
			if (staleFor != null && staleFor.isNegative()) {
				throw new IllegalArgumentException("the cache stale window must not be negative");
			}
		}

	}

}
