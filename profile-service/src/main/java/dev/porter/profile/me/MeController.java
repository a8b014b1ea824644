package dev.porter.profile.me;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.porter.profile.metadata.MetadataPatch;
import dev.porter.profile.metadata.PatchMediaType;
import dev.porter.profile.oidc.Callers;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
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
 * {@code sub} only: a check that a token is accepted, which needs no upstream). Each
 * spends one request of the caller's budget ({@link CallerRateLimiter}) and delegates:
 * the profile to {@link MeService}, a change to {@link MetadataChanges}, the body's rules
 * and size to {@link MetadataPatch}, a change's preconditions to {@link Preconditions},
 * the response headers to {@link ProfileResponses}.
 */
@RestController
class MeController {

	static final String MERGE_PATCH_JSON = "application/merge-patch+json";

	private static final MediaType MERGE_PATCH = MediaType.valueOf(MERGE_PATCH_JSON);

	private final MeService service;

	private final MetadataChanges changes;

	private final CallerRateLimiter limiter;

	private final Callers callers;

	MeController(MeService service, MetadataChanges changes, CallerRateLimiter limiter, Callers callers) {
		this.service = service;
		this.changes = changes;
		this.callers = callers;
		this.limiter = limiter;
	}

	@GetMapping(path = "/me", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<byte[]>> me(@AuthenticationPrincipal Jwt jwt,
			@RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) @Nullable String ifNoneMatch) {
		this.limiter.acquire(this.callers.id(jwt));
		return this.service.profile(jwt).map((view) -> ProfileResponses.conditional(view, ifNoneMatch));
	}

	@PatchMapping(path = "/me/metadata", consumes = { MediaType.APPLICATION_JSON_VALUE, MERGE_PATCH_JSON },
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<byte[]>> patchMetadata(@AuthenticationPrincipal Jwt jwt,
			@RequestHeader(HttpHeaders.CONTENT_TYPE) MediaType contentType,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
			@RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) @Nullable String ifNoneMatch,
			@RequestBody(required = false) byte @Nullable [] body) {
		this.limiter.acquire(this.callers.id(jwt));
		// 501 without a directory, before the body: no body could make it succeed
		this.service.requireDirectory();
		// Bytes, not a String: a String body would already be decoded with whatever
		// charset the request declares (UTF-16 included). MetadataPatch takes UTF-8 only
		// and refuses more than MAX_BODY_BYTES (413).
		MetadataPatch patch = MetadataPatch.parse((body != null) ? body : new byte[0],
				contentType.getParameter("charset"), mediaType(contentType));
		// The preconditions after the body (RFC 9110 13.2.1 allows either order): a body
		// refused needs no directory read, and would be refused against any version.
		return this.changes.patchMetadata(jwt, patch, new Preconditions(ifMatch, ifNoneMatch))
			.map(ProfileResponses::ok)
			.defaultIfEmpty(ProfileResponses.appliedWithoutProfile());
	}

	/** One of the two types the mapping consumes. */
	private static PatchMediaType mediaType(MediaType contentType) {
		return MERGE_PATCH.equalsTypeAndSubtype(contentType) ? PatchMediaType.MERGE_PATCH : PatchMediaType.JSON;
	}

	@GetMapping(path = "/me/ping", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, String>> ping(@AuthenticationPrincipal Jwt jwt) {
		this.limiter.acquire(this.callers.id(jwt));
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(Map.of("sub", this.callers.id(jwt)));
	}

}
