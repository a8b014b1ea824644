package dev.porter.devidp.management;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Auth0's timestamps: ISO-8601 in UTC with milliseconds,
 * {@code 2023-01-25T19:00:26.539Z}.
 */
final class Timestamps {

	private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private Timestamps() {
	}

	static String format(Instant instant) {
		return FORMAT.format(instant);
	}

	/**
	 * {@code now}, or one millisecond past {@code previous} when {@code now} is not
	 * later, so that every write visibly advances {@code updated_at}.
	 */
	static String after(@Nullable JsonNode previous, Instant now) {
		Instant next = now.truncatedTo(ChronoUnit.MILLIS);
		if (previous != null && previous.isString()) {
			try {
				Instant last = Instant.parse(previous.asString());
				if (!next.isAfter(last)) {
					next = last.plusMillis(1);
				}
			}
			catch (DateTimeParseException ex) {
				// a seed with a malformed timestamp: now is the best answer
			}
		}
		return format(next);
	}

}
