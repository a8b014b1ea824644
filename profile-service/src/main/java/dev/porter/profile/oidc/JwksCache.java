package dev.porter.profile.oidc;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.porter.common.OncePerInterval;
import dev.porter.common.SingleFlight;

import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The IdP's signing keys, fetched once for every concurrent caller (a cold start under
 * load must not send one JWKS request per request, so callers join the fetch in flight
 * through a {@link SingleFlight}), kept for {@code ttl}, and refetched at most once per
 * {@code minRefetch} when a token names an unknown {@code kid} (key rotation), and not
 * within {@code minRefetch} of a failed fetch either: such a token then gets the failed
 * fetch's answer (keys unavailable, 503) without asking, or every made-up {@code kid}
 * would send a request on to an IdP in trouble. With no keys at all (a cold start), a
 * failed fetch is not kept: the next token tries again.
 * <p>
 * Once {@code ttl} has passed, the keys fetched last keep validating tokens while one
 * fetch in the background replaces them, for up to {@code staleFor} more should the IdP
 * fail it; after a failure the IdP is asked again at most once per {@code minRefetch}.
 * Otherwise every request would wait for a failing fetch and answer 503 throughout an IdP
 * outage, ten minutes into it, although the profiles it asks for are served from the
 * caches' stale windows. A key the IdP withdrew is dropped at the first fetch that
 * succeeds. Keys that cannot be had at all fail every request that needs them; that is
 * logged once per {@link #LOG_INTERVAL}, with a count.
 */
final class JwksCache {

	static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

	private static final Logger log = LoggerFactory.getLogger(JwksCache.class);

	/** There is one key set; the single flight's key. */
	private static final String JWKS = "jwks";

	private final Mono<URI> jwksUri;

	private final WebClient webClient;

	private final Duration ttl;

	private final Duration minRefetch;

	private final Duration staleFor;

	private final Clock clock;

	/** When a fetch last failed, whatever started it. */
	private volatile @Nullable Instant fetchFailedAt;

	/** Whether a refetch of keys past their {@code ttl} is on its way. */
	private final AtomicBoolean refreshing = new AtomicBoolean();

	private final AtomicReference<@Nullable Fetched> remembered = new AtomicReference<>();

	private final SingleFlight<String, Fetched> fetches = new SingleFlight<>();

	private final OncePerInterval unavailable;

	JwksCache(Mono<URI> jwksUri, WebClient webClient, Duration ttl, Duration minRefetch, Duration staleFor,
			Clock clock) {
		this.jwksUri = jwksUri;
		this.webClient = webClient;
		this.ttl = ttl;
		this.minRefetch = minRefetch;
		this.staleFor = staleFor;
		this.clock = clock;
		this.unavailable = OncePerInterval.of(LOG_INTERVAL, clock);
	}

	/** Candidate keys for this token's header. */
	Flux<JWK> keys(SignedJWT jwt) {
		JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader()));
		return current().flatMapMany((used) -> {
			List<JWK> matching = selector.select(used.keys());
			if (!matching.isEmpty()) {
				return Flux.fromIterable(matching);
			}
			return afterUnknownKid(used).flatMapIterable((fetched) -> selector.select(fetched.keys()));
		});
	}

	/**
	 * The remembered keys while younger than {@code ttl + staleFor}, else a fetch; past
	 * {@code ttl}, the remembered keys at once while one fetch in the background replaces
	 * them (no caller waits for an IdP that hangs).
	 */
	private Mono<Fetched> current() {
		return Mono.defer(() -> {
			Fetched known = this.remembered.get();
			Instant now = this.clock.instant();
			if (known == null || known.isOlderThan(now, this.ttl.plus(this.staleFor))) {
				return fetch().doOnError(this::reportUnavailable);
			}
			if (known.isOlderThan(now, this.ttl)) {
				refreshInBackground(known, now);
			}
			return Mono.just(known);
		});
	}

	/**
	 * One refetch at a time, and none within {@code minRefetch} of a failed one; a
	 * failure is logged once, whoever asked.
	 */
	private void refreshInBackground(Fetched known, Instant now) {
		if (fetchFailedWithin(now) || !this.refreshing.compareAndSet(false, true)) {
			return;
		}
		fetch().doFinally((signal) -> this.refreshing.set(false)).subscribe(null, (ex) -> {
			log.warn("Identity provider keys not refetched ({}); the keys fetched at {} serve until {}",
					ex.getMessage(), known.at(), known.at().plus(this.ttl).plus(this.staleFor));
		});
	}

	private boolean fetchFailedWithin(Instant now) {
		Instant failedAt = this.fetchFailedAt;
		return failedAt != null && !now.isAfter(failedAt.plus(this.minRefetch)) && !now.isBefore(failedAt);
	}

	/**
	 * Newer keys than {@code used} if there are some, or a refetch when {@code used} is
	 * older than {@code minRefetch} and no fetch failed within it; otherwise {@code used}
	 * again (fetched a moment ago), or the keys unavailable (a fetch failed a moment
	 * ago), so that tokens with made-up key ids cannot make us hammer the IdP, least of
	 * all while it fails.
	 */
	private Mono<Fetched> afterUnknownKid(Fetched used) {
		return Mono.defer(() -> {
			Fetched known = this.remembered.get();
			if (known != null && known != used) {
				return Mono.just(known);
			}
			Instant now = this.clock.instant();
			if (!used.isOlderThan(now, this.minRefetch)) {
				return Mono.just(used);
			}
			if (fetchFailedWithin(now)) {
				// Not "no such key" (a 401 the SPA takes for a refused token): the kid
				// may be the IdP's new one, which a fetch would have found but for the
				// IdP's trouble. The same 503 as the failed fetch, without asking again.
				return Mono.error(new JwtException("identity provider keys unavailable"));
			}
			return fetch().doOnError(this::reportUnavailable);
		});
	}

	/**
	 * A request is refused for want of keys: logged with those refused since the last
	 * line.
	 */
	private void reportUnavailable(Throwable failure) {
		long count = this.unavailable.count();
		if (count > 0) {
			log.warn("identity provider keys unavailable: {}; tokens refused with 503 ({} since the last report)",
					IdpFailures.describe(failure), count);
		}
	}

	private Mono<Fetched> fetch() {
		return this.fetches.join(JWKS, () -> {
			Instant startedAt = this.clock.instant();
			return load().map((keys) -> new Fetched(startedAt, keys))
				// Remembered inside the fetch, so that a caller arriving just after it
				// ends does not start another one.
				.doOnNext(this.remembered::set)
				.doOnError((ex) -> this.fetchFailedAt = this.clock.instant());
		});
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
					(ex) -> new JwtException("identity provider keys unavailable", ex));
	}

	private static JWKSet parse(String body) {
		try {
			return JWKSet.parse(body);
		}
		catch (java.text.ParseException ex) {
			throw new JwtException("identity provider keys unreadable", ex);
		}
	}

	private record Fetched(Instant at, JWKSet keys) {

		boolean isOlderThan(Instant now, Duration age) {
			return now.isAfter(this.at.plus(age));
		}

	}

}
