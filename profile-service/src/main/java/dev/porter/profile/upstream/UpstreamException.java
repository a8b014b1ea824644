package dev.porter.profile.upstream;

import java.time.Duration;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.porter.profile.problem.LoggableMessage;

/**
 * What went wrong with one upstream call, classified for the retry, the circuit breaker
 * and the caller-facing problem. Never carries the upstream body: it may hold tokens.
 */
public final class UpstreamException extends RuntimeException implements LoggableMessage {

	private final String upstream;

	private final Kind kind;

	private final @Nullable Duration retryAfter;

	private final int status;

	public UpstreamException(String upstream, Kind kind, @Nullable Duration retryAfter, @Nullable Throwable cause) {
		this(upstream, kind, 0, retryAfter, cause);
	}

	/**
	 * @param status the upstream's HTTP status, or 0 when it gave none (connect error,
	 * timeout)
	 */
	public UpstreamException(String upstream, Kind kind, int status, @Nullable Duration retryAfter,
			@Nullable Throwable cause) {
		super(upstream + " " + kind.name().toLowerCase(Locale.ROOT) + ((status != 0) ? " " + status : ""), cause, false,
				false);
		this.upstream = upstream;
		this.kind = kind;
		this.status = status;
		this.retryAfter = retryAfter;
	}

	public String upstream() {
		return this.upstream;
	}

	public Kind kind() {
		return this.kind;
	}

	/** The upstream's HTTP status, or 0 when it gave none. */
	public int status() {
		return this.status;
	}

	/**
	 * Whether the upstream answered with a 4xx: it refused the request, so a change it
	 * carried was not applied, whatever this failure is classified as.
	 */
	public boolean isClientErrorAnswer() {
		return this.status >= 400 && this.status < 500;
	}

	/**
	 * Whether the upstream answered with a 2xx whose body could not be used (larger than
	 * this service reads): a change it carried was applied.
	 */
	public boolean isSuccessAnswer() {
		return this.status >= 200 && this.status < 300;
	}

	/**
	 * How long the upstream asked us to wait
	 * ({@code Retry-After}/{@code X-RateLimit-Reset}).
	 */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	/** A failure that another attempt may not meet: connect error, 5xx or 429. */
	public boolean isTransient() {
		return this.kind == Kind.UNAVAILABLE || this.kind == Kind.RATE_LIMITED;
	}

	public enum Kind {

		/** connect error or 5xx */
		UNAVAILABLE,
		/** 429 */
		RATE_LIMITED,
		/** 404 on the user */
		NOT_FOUND,
		/** the caller's token was refused upstream */
		TOKEN_REJECTED,
		/**
		 * the upstream refused what the caller asked for (400, 409, 413, 422): the same
		 * request would be refused again, and says nothing about the upstream's health
		 */
		REFUSED,
		/** an answer that cannot be used (unexpected 4xx, unreadable body) */
		BAD_RESPONSE,
		/**
		 * the upstream cannot serve this one user's entry: an answer larger than this
		 * service reads (her record, written by another client), a write refused for what
		 * her stored record holds, or a {@code /userinfo} answer about someone else (what
		 * Auth0 gives a token it will not answer for); about that user, and nothing about
		 * the upstream's health
		 */
		ENTRY_UNUSABLE

	}

}
