package dev.porter.profile.metadata;

/**
 * The body of a metadata change is over {@link #limit()} bytes;
 * {@code problem/ApiExceptionHandler} answers it as 413.
 */
public final class MetadataBodyTooLargeException extends RuntimeException {

	private final int limit;

	MetadataBodyTooLargeException(int limit) {
		super("metadata body over " + limit + " bytes", null, false, false);
		this.limit = limit;
	}

	public int limit() {
		return this.limit;
	}

}
