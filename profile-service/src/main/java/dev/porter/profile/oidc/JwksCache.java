package dev.porter.profile.oidc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The IdP's signing keys, fetched once for every concurrent caller (a cold start under
 * load must not send one JWKS request per request), kept for {@code ttl}, and refetched
 * at most once per {@code minRefetch} when a token names an unknown {@code kid} (key
 * rotation).
 */
final class JwksCache {

	private final Mono<java.net.URI> jwksUri;

	private final WebClient webClient;

	private final Duration ttl;

	private final Duration minRefetch;

	private final Clock clock;

	private final AtomicReference<Fetch> current = new AtomicReference<>();

	JwksCache(Mono<java.net.URI> jwksUri, WebClient webClient, Duration ttl, Duration minRefetch, Clock clock) {
		this.jwksUri = jwksUri;
		this.webClient = webClient;
		this.ttl = ttl;
		this.minRefetch = minRefetch;
		this.clock = clock;
	}

	/** Candidate keys for this token's header. */
	Flux<JWK> keys(SignedJWT jwt) {
		JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader()));
		Fetch used = fetch(false, null);
		return used.keys().flatMapMany((set) -> {
			List<JWK> matching = selector.select(set);
			if (!matching.isEmpty()) {
				return Flux.fromIterable(matching);
			}
			return fetch(true, used).keys().flatMapIterable(selector::select);
		});
	}

	private Fetch fetch(boolean unknownKid, Fetch seen) {
		while (true) {
			Fetch existing = this.current.get();
			Instant now = this.clock.instant();
			if (existing != null && !existing.isExpired(now, this.ttl)
					&& !(unknownKid && existing == seen && existing.isOlderThan(now, this.minRefetch))) {
				return existing;
			}
			Fetch next = new Fetch(now, load().cache((set) -> Duration.ofMillis(Long.MAX_VALUE),
					(error) -> Duration.ZERO, () -> Duration.ZERO));
			if (this.current.compareAndSet(existing, next)) {
				return next;
			}
		}
	}

	private Mono<JWKSet> load() {
		return this.jwksUri
			.flatMap((uri) -> this.webClient.get()
				.uri(uri)
				.accept(MediaType.APPLICATION_JSON)
				.retrieve()
				.bodyToMono(String.class))
			.map(JwksCache::parse)
			.onErrorMap((ex) -> !(ex instanceof JwtException),
					// Not a BadJwtException: the token may be fine, it is the
					// IdP that failed.
					(ex) -> new JwtException("identity provider keys unavailable", ex))
			.doOnError((ex) -> this.current.set(null));
	}

	private static JWKSet parse(String body) {
		try {
			return JWKSet.parse(body);
		}
		catch (java.text.ParseException ex) {
			throw new JwtException("identity provider keys unreadable", ex);
		}
	}

	private record Fetch(Instant at, Mono<JWKSet> keys) {

		boolean isExpired(Instant now, Duration ttl) {
			return now.isAfter(this.at.plus(ttl));
		}

		boolean isOlderThan(Instant now, Duration age) {
			return now.isAfter(this.at.plus(age));
		}

	}

}
