package dev.porter.profile.oidc;

import java.net.URI;
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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import dev.porter.common.OncePerInterval;
import dev.porter.common.ThrottledFetches;

import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The IdP's signing keys, fetched once for every concurrent caller (a cold start under
 * load must not send one JWKS request per request) and kept for {@code ttl}. With no keys
 * at all (a cold start), a failed fetch is not kept: the next token tries again.
 * <p>
 * A token naming a key we lack (the IdP rotated one in, and signs with it at once) waits
 * for the next fetch rather than being refused, and every fetch starts at most once per
 * {@code minRefetch} whoever asks, or every made-up {@code kid} would send a request on
 * to the IdP ({@link ThrottledFetches}). Within {@code minRefetch} of a failed fetch such
 * a token gets the keys-unavailable answer (503) without asking: the kid may be the IdP's
 * new key, which a fetch would have found but for the IdP's trouble. A wait lasts at most
 * {@code minRefetch} and a fetch, twice over for a token that came while a fetch was
 * under way; a fetch fails past {@code fetchTimeout}.
 * <p>
 * Once {@code ttl} has passed, the keys fetched last keep validating tokens while one
 * fetch in the background replaces them, for up to {@code staleFor} more should the IdP
 * fail it; after a failure the IdP is asked again at most once per {@code minRefetch}.
 * Otherwise every request would wait for a failing fetch and answer 503 throughout an IdP
 * outage, ten minutes into it, although the profiles it asks for are served from the
 * caches' stale windows. A key the IdP withdrew is dropped at the first fetch that
 * succeeds. Keys that cannot be had fail every request that needs them, and fetches that
 * fail while the keys fetched last serve on are frequent during an outage: each is logged
 * once per {@link #LOG_INTERVAL}, with a count.
 */
final class JwksCache {

	static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

	/**
	 * How many tokens naming a key we lack may wait for a fetch at once. Each holds its
	 * request while it waits, and a client sending tokens with made-up key ids would
	 * otherwise pile them up; past this, a token gets the keys-unavailable answer (503),
	 * which a genuine caller may retry.
	 */
	static final int MAX_WAITING = 1_000;

	private static final Logger log = LoggerFactory.getLogger(JwksCache.class);

	private static final String UNAVAILABLE = "identity provider keys unavailable";

	private final Mono<URI> jwksUri;

	private final WebClient webClient;

	private final Duration ttl;

	private final Duration staleFor;

	private final Duration fetchTimeout;

	private final Clock clock;

	private final AtomicReference<@Nullable Fetched> remembered = new AtomicReference<>();

	private final ThrottledFetches<Fetched> fetches;

	private final OncePerInterval unavailable;

	private final OncePerInterval notRefetched;

	/**
	 * @param fetchTimeout how long one fetch of the JWKS may take (on Reactor's own
	 * timer: it bounds a call on the network)
	 * @param timers runs the waits for a fetch due at the end of {@code minRefetch}
	 */
	JwksCache(Mono<URI> jwksUri, WebClient webClient, Duration ttl, Duration minRefetch, Duration staleFor,
			Duration fetchTimeout, Clock clock, Scheduler timers) {
		this.jwksUri = jwksUri;
		this.webClient = webClient;
		this.ttl = ttl;
		this.staleFor = staleFor;
		this.fetchTimeout = fetchTimeout;
		this.clock = clock;
		this.fetches = new ThrottledFetches<>(this::fetch, minRefetch, MAX_WAITING, clock, timers);
		this.unavailable = OncePerInterval.of(LOG_INTERVAL, clock);
		this.notRefetched = OncePerInterval.of(LOG_INTERVAL, clock);
	}

	/** Candidate keys for this token's header. */
	Flux<JWK> keys(SignedJWT jwt) {
		JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader()));
		return current().flatMapMany((used) -> {
			List<JWK> matching = selector.select(used.keys());
			if (!matching.isEmpty()) {
				return Flux.fromIterable(matching);
			}
			return afterUnknownKid(selector).flatMapIterable((fetched) -> selector.select(fetched.keys()));
		})
			// Not a BadJwtException: the token may be fine, it is the IdP that failed.
			.onErrorMap((ex) -> !(ex instanceof JwtException), (ex) -> new JwtException(UNAVAILABLE, ex));
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
				return this.fetches.fetchNow().doOnError(this::reportUnavailable);
			}
			if (!known.isYoungerThan(now, this.ttl)) {
				// Runs whoever waits for it; a failure is reported by fetch().
				this.fetches.fetchIfDue().onErrorComplete().subscribe();
			}
			return Mono.just(known);
		});
	}

	/**
	 * The keys of the first fetch that may hold the token's key: a key we lack may be one
	 * the IdP has just published.
	 */
	private Mono<Fetched> afterUnknownKid(JWKSelector selector) {
		return this.fetches.fetchForLacking((fetched) -> !selector.select(fetched.keys()).isEmpty())
			.doOnError(this::reportUnavailable);
	}

	/**
	 * A request is refused for want of keys: logged with those refused since the last
	 * line.
	 */
	private void reportUnavailable(Throwable failure) {
		long count = this.unavailable.count();
		if (count > 0) {
			log.warn("{}: {}; tokens refused with 503 ({} since the last report)", UNAVAILABLE,
					IdpFailures.describe(failure), count);
		}
	}

	/**
	 * A fetch failed while the keys fetched last serve on: at most once per
	 * {@code minRefetch} during an outage, so logged with those failed since the last
	 * line.
	 */
	private void reportNotRefetched(Throwable failure) {
		Fetched known = this.remembered.get();
		if (known == null || known.isOlderThan(this.clock.instant(), this.ttl.plus(this.staleFor))) {
			return;
		}
		long count = this.notRefetched.count();
		if (count > 0) {
			log.warn(
					"identity provider keys not refetched: {}; the keys fetched at {} serve until {} ({} failed fetches "
							+ "since the last report)",
					IdpFailures.describe(failure), known.at(), known.at().plus(this.ttl).plus(this.staleFor), count);
		}
	}

	private Mono<Fetched> fetch() {
		Instant startedAt = this.clock.instant();
		return load().map((keys) -> new Fetched(startedAt, keys))
			// Remembered before the keys reach anyone, so that a caller acting on them at
			// once finds them.
			.doOnNext(this.remembered::set)
			.doOnError(this::reportNotRefetched);
	}

	private Mono<JWKSet> load() {
		return this.jwksUri
			.flatMap((uri) -> this.webClient.get()
				.uri(uri)
				.accept(MediaType.APPLICATION_JSON)
				.retrieve()
				.bodyToMono(String.class)
				// The IdP client's timeouts are each step's (a connection, each read): a
				// body that trickles in would hold every token waiting for it.
				.timeout(this.fetchTimeout))
			.map(JwksCache::parse)
			.switchIfEmpty(Mono.error(() -> new JwtException(UNAVAILABLE + ": an empty answer")))
			.onErrorMap((ex) -> !(ex instanceof JwtException), (ex) -> new JwtException(UNAVAILABLE, ex));
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

		/**
		 * Keys dated later than now (the clock stepped back: NTP, a VM restored) are of
		 * an age we cannot tell, so not younger than any: they are refetched as keys past
		 * {@code ttl} are, or a key the IdP withdrew would verify for as long again as
		 * the clock went back.
		 */
		boolean isYoungerThan(Instant now, Duration age) {
			return !this.at.isAfter(now) && !isOlderThan(now, age);
		}

	}

}
