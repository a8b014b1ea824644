package dev.porter.gateway.session;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The browser session.
 *
 * @param cookieName {@code SESSION_COOKIE_NAME} as set; blank or unset, the name follows
 * {@code PUBLIC_BASE_URL}'s scheme ({@link SessionCookie})
 * @param cookieSecure {@code SESSION_COOKIE_SECURE} as set; unset (or blank), it follows
 * {@code PUBLIC_BASE_URL}'s scheme ({@link SessionCookie})
 * @param idleTimeout a session unused for this long ends
 * @param absoluteLifetime a session ends this long after login however active it is
 * @param max how many sessions the in-memory store holds ({@code SESSION_MAX}); when
 * full, new logins get a 503 and signed-in users are unaffected (not used with Redis)
 * @param maxPerUser how many sessions one user may hold ({@code SESSION_MAX_PER_USER}): a
 * login past it ends the user's least recently used session
 * @param encryptionKeys {@code SESSION_ENCRYPTION_KEYS}: comma-separated base64 AES-256
 * keys, newest first, sealing sessions in Redis; required with Redis, unused without
 * (sessions in memory never leave the process)
 */
@Validated
@ConfigurationProperties("porter.session")
public record SessionProperties(@Nullable String cookieName, @Nullable Boolean cookieSecure,
		@NotNull(message = "set SESSION_IDLE_TIMEOUT") @DurationMin(seconds = 1,
				message = "SESSION_IDLE_TIMEOUT must be at least 1s") @DefaultValue("30m") Duration idleTimeout,
		@NotNull(message = "set SESSION_ABSOLUTE_LIFETIME") @DurationMin(seconds = 1,
				message = "SESSION_ABSOLUTE_LIFETIME must be at least 1s") @DefaultValue("12h") Duration absoluteLifetime,
		@Positive(message = "SESSION_MAX must be positive") @DefaultValue("10000") int max,
		@Positive(message = "SESSION_MAX_PER_USER must be positive") @DefaultValue("20") int maxPerUser,
		@DefaultValue("") String encryptionKeys) {

	/** Never the keys: a record's own toString would print them into any log. */
	@Override
	public String toString() {
		return "SessionProperties[cookieName=" + this.cookieName + ", idleTimeout=" + this.idleTimeout
				+ ", absoluteLifetime=" + this.absoluteLifetime + ", max=" + this.max + ", maxPerUser="
				+ this.maxPerUser + "]";
	}

}
