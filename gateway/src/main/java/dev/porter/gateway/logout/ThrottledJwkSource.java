package dev.porter.gateway.logout;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * The IdP's signing keys for logout tokens, fetched once and kept. A token naming a key
 * we do not have makes us fetch again (the IdP may have rotated), but one fetch starts at
 * most once per {@code minRefetchInterval} whoever asks: the endpoint is open to the
 * internet, and without the throttle every forged token with a made-up {@code kid} would
 * make the gateway call the IdP — an amplifier aimed at the IdP's rate limits.
 * <p>
 * Such a token arriving within the interval waits for the fetch due at its end, shared by
 * every token waiting, rather than being refused: a refusal is a 400, after which the IdP
 * never sends that logout again, and an attacker posting a made-up {@code kid} now and
 * then would keep every key the IdP rotated in refused. A token that comes while a fetch
 * is under way waits for it and, should its key be missing, for the next one too: the
 * fetch under way may have read the JWKS just before the IdP published that key; the next
 * starts at the interval's end, or once that one is done if it took longer. So a token
 * waits at most the longer of the interval and {@code fetchTimeout}, plus
 * {@code fetchTimeout}. A fetch, once due, runs whoever still waits for it, within
 * {@code fetchTimeout}. Failed fetches are throttled the same way, without the wait:
 * until the next one, a key we lack is an error (answered 503), not a refusal, since the
 * IdP may well have it.
 */
final class ThrottledJwkSource implements Function<SignedJWT, Flux<JWK>> {

	/**
	 * How many tokens lacking their key may wait for a fetch at once. Each holds its
	 * request's token (at most 16 KiB) while it waits, and goes on waiting once its
	 * sender left, so forged tokens posted and dropped in a loop would otherwise pile up
	 * for as long as the wait; past this, a token is answered as if the keys could not be
	 * fetched (503), which a genuine sender may retry.
	 */
	static final int MAX_WAITING = 1_000;

	private final WebClient webClient;

	private final String jwkSetUri;

	private final Duration minRefetchInterval;

	private final Duration maxAge;

	private final Duration fetchTimeout;

	private final Clock clock;

	private final Scheduler timers;

	private volatile @Nullable Fetched current;

	/** The tokens lacking their key that wait for a fetch now. */
	private final AtomicInteger waiting = new AtomicInteger();

	/** Whether the last fetch failed: a key we lack may then be one the IdP has. */
	private volatile boolean lastFetchFailed;

	/** When the last fetch started. */
	private @Nullable Instant lastStart;

	/** The fetch under way, or due at the interval's end, which every caller shares. */
	private @Nullable Mono<JWKSet> next;

	/**
	 * Whether {@link #next} has started: it may then have read the JWKS before the IdP
	 * published the key a caller now asks for.
	 */
	private boolean nextUnderWay;

	/**
	 * @param minRefetchInterval the least time between the starts of two fetches
	 * @param maxAge how long fetched keys are trusted before they are fetched again (so a
	 * key the IdP withdrew stops verifying)
	 * @param fetchTimeout how long one fetch may take before it fails (on Reactor's own
	 * timer: it bounds a call on the network)
	 * @param timers runs the waits for a fetch due at the interval's end
	 */
	ThrottledJwkSource(WebClient webClient, String jwkSetUri, Duration minRefetchInterval, Duration maxAge,
			Duration fetchTimeout, Clock clock, Scheduler timers) {
		this.webClient = webClient;
		this.jwkSetUri = jwkSetUri;
		this.minRefetchInterval = minRefetchInterval;
		this.maxAge = maxAge;
		this.fetchTimeout = fetchTimeout;
		this.clock = clock;
		this.timers = timers;
	}

	@Override
	public Flux<JWK> apply(SignedJWT jwt) {
		JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader()));
		return keys(selector).flatMapIterable(Function.identity());
	}

	private Mono<List<JWK>> keys(JWKSelector selector) {
		Fetched fetched = this.current;
		Instant now = this.clock.instant();
		List<JWK> known = (fetched != null) ? selector.select(fetched.keys()) : List.of();
		if (fetched != null && !known.isEmpty() && fetched.freshAt(now, this.maxAge)) {
			return Mono.just(known);
		}
		Fetch fetch = fetchFor(now, !known.isEmpty());
		if (fetch == null) {
			return withoutFetch(known);
		}
		Mono<List<JWK>> found = fetch.keys().map(selector::select);
		if (!known.isEmpty()) {
			return found;
		}
		if (fetch.underWay()) {
			// That fetch started before this token came, maybe before the IdP published
			// the key that signed it: lacking it, the next fetch, which starts after,
			// is asked too.
			found = found.flatMap((keys) -> keys.isEmpty() ? afterFetchUnderWay(selector) : Mono.just(keys));
		}
		return counted(found);
	}

	/** {@code wait}, unless {@link #MAX_WAITING} tokens wait already. */
	private Mono<List<JWK>> counted(Mono<List<JWK>> wait) {
		return Mono.defer(() -> {
			if (this.waiting.incrementAndGet() > MAX_WAITING) {
				this.waiting.decrementAndGet();
				return Mono.error(new IllegalStateException(
						"the IdP's keys could not be fetched for this token: " + MAX_WAITING + " wait already"));
			}
			return wait.doFinally((signal) -> this.waiting.decrementAndGet());
		});
	}

	/**
	 * The keys from the fetch after the one under way when the token came: at once if the
	 * interval since that one's start has passed, else at its end. One started meanwhile
	 * has started since the token came, so it is joined.
	 */
	private Mono<List<JWK>> afterFetchUnderWay(JWKSelector selector) {
		return Mono.defer(() -> {
			Fetch fetch = fetchFor(this.clock.instant(), false);
			return (fetch != null) ? fetch.keys().map(selector::select) : withoutFetch(List.of());
		});
	}

	/** The keys we have, for a caller that gets no fetch. */
	private Mono<List<JWK>> withoutFetch(List<JWK> known) {
		if (known.isEmpty()) {
			// Not "no such key" (a 400 the IdP never retries): the token may be genuine
			// and signed with a key we could not fetch. The decoder passes this on and
			// the controller answers 503.
			return Mono.error(new IllegalStateException("the IdP's keys could not be fetched; next attempt after "
					+ this.minRefetchInterval + " from the last"));
		}
		// Past maxAge within the interval: the keys we have until the next fetch.
		return Mono.just(known);
	}

	/**
	 * The fetch to wait for: the one under way or due, else one started now, else — for a
	 * key we lack, the last fetch having succeeded — one due at the interval's end. Null
	 * when the caller is answered without waiting: it has a key (past maxAge), or the
	 * last fetch failed.
	 */
	private synchronized @Nullable Fetch fetchFor(Instant now, boolean haveKey) {
		if (this.next != null) {
			return new Fetch(this.next, this.nextUnderWay);
		}
		Duration wait = untilAllowed(now);
		if (!wait.isZero() && (haveKey || this.lastFetchFailed)) {
			return null;
		}
		Mono<JWKSet> fetch = (wait.isZero() ? load() : Mono.delay(wait, this.timers).then(load()))
			// Before the keys or the error reach anyone: a caller acting on them at once
			// must find this fetch finished, not join it again and miss newer keys.
			.doOnNext(this::fetched)
			.doOnError((ex) -> failed())
			.cache();
		this.next = fetch;
		// Runs whoever waits for it: a waiter that goes away (the IdP stopped waiting
		// for its answer) cancels it for no one, and the next token finds its keys. Its
		// error is the waiters' to handle.
		fetch.onErrorComplete().subscribe();
		// Started for this caller, if it started at once: after it came.
		return new Fetch(fetch, false);
	}

	/**
	 * How long until the next fetch may start. A last start later than now (the clock
	 * stepped back: NTP, a VM restored) is taken as now, so that fetches are allowed
	 * again one interval on, not only once the clock is back where it was.
	 */
	private synchronized Duration untilAllowed(Instant now) {
		if (this.lastStart == null) {
			return Duration.ZERO;
		}
		if (this.lastStart.isAfter(now)) {
			this.lastStart = now;
		}
		Duration left = Duration.between(now, this.lastStart.plus(this.minRefetchInterval));
		return left.isNegative() ? Duration.ZERO : left;
	}

	private Mono<JWKSet> load() {
		return Mono.defer(() -> {
			started();
			return this.webClient.get()
				.uri(this.jwkSetUri)
				.retrieve()
				.bodyToMono(String.class)
				// The IdP client's waits are each step's (a connection, each read): a
				// body that trickles in would hold every waiter.
				.timeout(this.fetchTimeout)
				.map(ThrottledJwkSource::parse)
				.switchIfEmpty(Mono.error(() -> new IllegalStateException("the JWKS response was empty")));
		});
	}

	private synchronized void started() {
		this.lastStart = this.clock.instant();
		this.nextUnderWay = true;
	}

	private synchronized void fetched(JWKSet keys) {
		this.current = new Fetched(keys, this.clock.instant());
		this.lastFetchFailed = false;
		this.next = null;
		this.nextUnderWay = false;
	}

	private synchronized void failed() {
		this.lastFetchFailed = true;
		this.next = null;
		this.nextUnderWay = false;
	}

	private static JWKSet parse(String body) {
		try {
			return JWKSet.parse(body);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("the JWKS is not a JWK set", ex);
		}
	}

	private record Fetched(JWKSet keys, Instant at) {

		/**
		 * Whether the keys may still be trusted at {@code now}. Keys dated later than now
		 * (the clock stepped back) are of an age we cannot tell, and fetched again as
		 * keys past {@code maxAge} are: a key the IdP withdrew must not verify for as
		 * long again as the clock went back.
		 */
		boolean freshAt(Instant now, Duration maxAge) {
			return !this.at.isAfter(now) && now.isBefore(this.at.plus(maxAge));
		}

	}

	/**
	 * A fetch a caller waits for, and whether it was under way when the caller came, so
	 * may lack a key the IdP published since it started.
	 */
	private record Fetch(Mono<JWKSet> keys, boolean underWay) {
	}

}
