package dev.porter.profile.me;

import org.jspecify.annotations.Nullable;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * How a {@link ProfileView} is answered: its {@code ETag}, {@code Cache-Status} and
 * {@code Cache-Control: no-store} (private to the caller), or a bodiless 304 when the
 * caller already holds it; a bodiless 204 for a change applied whose profile cannot be
 * shown.
 */
final class ProfileResponses {

	private static final String CACHE_STATUS = "Cache-Status";

	private ProfileResponses() {
	}

	/** 304 if {@code ifNoneMatch} names this view (RFC 9110 §13.1.2), otherwise 200. */
	static ResponseEntity<byte[]> conditional(ProfileView view, @Nullable String ifNoneMatch) {
		if (ifNoneMatch != null && view.matches(ifNoneMatch)) {
			return headers(ResponseEntity.status(HttpStatus.NOT_MODIFIED), view).build();
		}
		return ok(view);
	}

	static ResponseEntity<byte[]> ok(ProfileView view) {
		return headers(ResponseEntity.ok(), view).contentType(MediaType.APPLICATION_JSON).body(view.json());
	}

	/**
	 * 204: the change was applied, but the profile it produced is larger than this
	 * service reads, so there is none to show.
	 */
	static ResponseEntity<byte[]> appliedWithoutProfile() {
		return ResponseEntity.noContent().cacheControl(CacheControl.noStore()).build();
	}

	private static ResponseEntity.BodyBuilder headers(ResponseEntity.BodyBuilder builder, ProfileView view) {
		return builder.eTag(view.etag()).cacheControl(CacheControl.noStore()).header(CACHE_STATUS, view.cacheStatus());
	}

}
