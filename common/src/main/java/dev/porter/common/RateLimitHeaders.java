package dev.porter.common;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Reads how long a 429 or 503 asks its caller to wait: {@code Retry-After} (seconds or
 * HTTP-date, RFC 9110 §10.2.3) first, then Auth0's {@code X-RateLimit-Reset} (UNIX
 * seconds), as Auth0's own SDKs do. A wait that is not ahead ({@code Retry-After: 0}, a
 * reset at or before now) is no hint, as in those SDKs: the caller then takes its own
 * backoff instead of coming back at once to a bucket that may still be empty.
 * <p>
 * The same rules as profile-service's {@code upstream.RateLimitHeaders}, over a header
 * look-up rather than Spring's {@code HttpHeaders}, which this module does not use.
 */
public final class RateLimitHeaders {

	/** The header that names a wait in seconds or as an HTTP-date. */
	public static final String RETRY_AFTER = "Retry-After";

	/** Auth0's header: when its rate limit's bucket refills, in UNIX seconds. */
	public static final String RESET = "X-RateLimit-Reset";

	private RateLimitHeaders() {
	}

	/**
	 * The wait the headers ask for.
	 * @param header the answer's first value of a header by name, or {@code null}
	 * @param clock what "now" is for an HTTP-date or a reset time
	 * @return the wait, always positive; {@code null} when the headers ask for none
	 */
	public static @Nullable Duration waitFrom(Function<String, @Nullable String> header, Clock clock) {
		Duration retryAfter = retryAfter(header.apply(RETRY_AFTER), clock);
		return (retryAfter != null) ? retryAfter : reset(header.apply(RESET), clock);
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
		catch (NumberFormatException | DateTimeException ex) {
			return null;
		}
	}

	private static @Nullable Duration ahead(Duration wait) {
		return (wait.isNegative() || wait.isZero()) ? null : wait;
	}

}
