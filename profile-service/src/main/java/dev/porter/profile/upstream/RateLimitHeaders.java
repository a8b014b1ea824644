package dev.porter.profile.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * Reads how long a 429 asks us to wait: {@code Retry-After} (seconds or HTTP-date) first,
 * then Auth0's {@code X-RateLimit-Reset} (UNIX seconds), as Auth0's own SDKs do. A wait
 * that is not ahead ({@code Retry-After: 0}, a reset at or before now) is no hint, as in
 * those SDKs: the retry then takes its own backoff instead of coming back at once to a
 * bucket that may still be empty.
 */
public final class RateLimitHeaders {

	private RateLimitHeaders() {
	}

	/**
	 * @return the wait the headers ask for, always positive; null when they ask for none
	 */
	public static @Nullable Duration waitFrom(HttpHeaders headers, Clock clock) {
		Duration retryAfter = retryAfter(headers.getFirst(HttpHeaders.RETRY_AFTER), clock);
		return (retryAfter != null) ? retryAfter : reset(headers.getFirst("X-RateLimit-Reset"), clock);
	}

	private static @Nullable Duration retryAfter(@Nullable String value, Clock clock) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return ahead(Duration.ofSeconds(Long.parseLong(value.trim())));
		}
		catch (NumberFormatException notSeconds) {
			try {
				Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
				return ahead(Duration.between(clock.instant(), at));
			}
			catch (DateTimeParseException notDate) {
				return null;
			}
		}
	}

	private static @Nullable Duration reset(@Nullable String value, Clock clock) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return ahead(Duration.between(clock.instant(), Instant.ofEpochSecond(Long.parseLong(value.trim()))));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static @Nullable Duration ahead(Duration wait) {
		return (wait.isNegative() || wait.isZero()) ? null : wait;
	}

}
