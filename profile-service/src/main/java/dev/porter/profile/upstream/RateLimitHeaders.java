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
 * then Auth0's {@code X-RateLimit-Reset} (UNIX seconds), as Auth0's own SDKs do.
 */
public final class RateLimitHeaders {

	private RateLimitHeaders() {
	}

	public static @Nullable Duration waitFrom(HttpHeaders headers, Clock clock) {
		Duration retryAfter = retryAfter(headers.getFirst(HttpHeaders.RETRY_AFTER), clock);
		return (retryAfter != null) ? retryAfter : reset(headers.getFirst("X-RateLimit-Reset"), clock);
	}

	private static @Nullable Duration retryAfter(@Nullable String value, Clock clock) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return nonNegative(Duration.ofSeconds(Long.parseLong(value.trim())));
		}
		catch (NumberFormatException notSeconds) {
			try {
				Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
				return nonNegative(Duration.between(clock.instant(), at));
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
			return nonNegative(Duration.between(clock.instant(), Instant.ofEpochSecond(Long.parseLong(value.trim()))));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static Duration nonNegative(Duration wait) {
		return wait.isNegative() ? Duration.ZERO : wait;
	}

}
