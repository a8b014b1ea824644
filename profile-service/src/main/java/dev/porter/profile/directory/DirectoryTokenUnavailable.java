package dev.porter.profile.directory;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * No token for the directory's admin API can be had before {@link #retryAfter()}: its
 * token endpoint failed the last time, and it is not asked again until then.
 */
public final class DirectoryTokenUnavailable extends RuntimeException {

	private final Duration retryAfter;

	DirectoryTokenUnavailable(Duration retryAfter, @Nullable Throwable lastFailure) {
		super("the directory's token endpoint failed; next attempt in " + retryAfter, lastFailure, false, false);
		this.retryAfter = retryAfter;
	}

	public Duration retryAfter() {
		return this.retryAfter;
	}

}
