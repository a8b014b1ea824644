package dev.porter.profile.me;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.porter.profile.metadata.MetadataPatch;
import dev.porter.profile.problem.PayloadTooLargeException;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /me}, {@code PATCH /me/metadata} and {@code GET /me/ping} (the caller's
 * {@code sub} only: a check that a token is accepted, which needs no upstream). Responses
 * are private to the caller: {@code Cache-Control: no-store}.
 */
@RestController
class MeController {

	static final String MERGE_PATCH_JSON = "application/merge-patch+json";

	private static final String CACHE_STATUS = "Cache-Status";

	private final MeService service;

	private final CallerRateLimiter limiter;

	MeController(MeService service, CallerRateLimiter limiter) {
		this.service = service;
		this.limiter = limiter;
	}

	@GetMapping(path = "/me", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<byte[]>> me(@AuthenticationPrincipal Jwt jwt,
			@RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) @Nullable String ifNoneMatch) {
		this.limiter.acquire(jwt.getSubject());
		return this.service.profile(jwt).map((view) -> {
			if (ifNoneMatch != null && view.matches(ifNoneMatch)) {
				return headers(ResponseEntity.status(HttpStatus.NOT_MODIFIED), view).build();
			}
			return headers(ResponseEntity.ok(), view).contentType(MediaType.APPLICATION_JSON).body(view.json());
		});
	}

	@PatchMapping(path = "/me/metadata", consumes = { MediaType.APPLICATION_JSON_VALUE, MERGE_PATCH_JSON },
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<byte[]>> patchMetadata(@AuthenticationPrincipal Jwt jwt,
			@RequestHeader(name = HttpHeaders.CONTENT_LENGTH, required = false) @Nullable Long contentLength,
			@RequestHeader(HttpHeaders.CONTENT_TYPE) MediaType contentType,
			@RequestBody(required = false) byte @Nullable [] body) {
		this.limiter.acquire(jwt.getSubject());
		// 501 without a directory, before the body: no body could make it succeed
		this.service.requireDirectory();
		if (contentLength != null && contentLength > MetadataPatch.MAX_BODY_BYTES) {
			throw new PayloadTooLargeException(MetadataPatch.MAX_BODY_BYTES);
		}
		// Bytes, not a String: a String body would already be decoded with whatever
		// charset the request declares (UTF-16 included). MetadataPatch takes UTF-8 only.
		MetadataPatch patch = MetadataPatch.parse((body != null) ? body : new byte[0],
				contentType.getParameter("charset"));
		return this.service.patchMetadata(jwt, patch)
			.map((view) -> headers(ResponseEntity.ok(), view).contentType(MediaType.APPLICATION_JSON)
				.body(view.json()));
	}

	@GetMapping(path = "/me/ping", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, String>> ping(@AuthenticationPrincipal Jwt jwt) {
		this.limiter.acquire(jwt.getSubject());
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(Map.of("sub", jwt.getSubject()));
	}

	private static ResponseEntity.BodyBuilder headers(ResponseEntity.BodyBuilder builder, ProfileView view) {
		return builder.eTag(view.etag()).cacheControl(CacheControl.noStore()).header(CACHE_STATUS, view.cacheStatus());
	}

}
