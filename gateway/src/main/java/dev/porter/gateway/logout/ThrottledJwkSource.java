package dev.porter.gateway.logout;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.porter.common.ThrottledFetches;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * The IdP's signing keys for logout tokens, fetched once and kept. A token naming a key
 * we do not have makes us fetch again (the IdP may have rotated), but one fetch starts at
 * most once per {@code minRefetchInterval} whoever asks ({@link ThrottledFetches}): the
 * endpoint is open to the internet, and without the throttle every forged token with a
 * made-up {@code kid} would make the gateway call the IdP — an amplifier aimed at the
 * IdP's rate limits.
 * <p>
 * Such a token arriving within the interval waits for the next fetch rather than being
 * refused: a refusal is a 400, after which the IdP never sends that logout again, and an
 * attacker posting a made-up {@code kid} now and then would keep every key the IdP
 * rotated in refused. So a token waits at most the longer of the interval and
 * {@code fetchTimeout}, plus {@code fetchTimeout}. Until the next fetch after a failed
 * one, a key we lack is an error (answered 503), not a refusal, since the IdP may well
 * have it.
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

	private final Duration maxAge;

	private final Duration fetchTimeout;

	private final Clock clock;

	private final ThrottledFetches<JWKSet> fetches;

	private volatile @Nullable Fetched current;

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
		this.maxAge = maxAge;
		this.fetchTimeout = fetchTimeout;
		this.clock = clock;
		this.fetches = new ThrottledFetches<>(this::load, minRefetchInterval, MAX_WAITING, clock, timers);
	}

	@Override
	public Flux<JWK> apply(SignedJWT jwt) {
		JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader()));
		return keys(selector).flatMapIterable(Function.identity());
	}

	private Mono<List<JWK>> keys(JWKSelector selector) {
		Fetched fetched = this.current;
		List<JWK> known = (fetched != null) ? selector.select(fetched.keys()) : List.of();
		if (fetched == null || known.isEmpty()) {
			// Not "no such key" (a 400 the IdP never retries) while the last fetch
			// failed:
			// the token may be genuine and signed with a key we could not fetch. The
			// decoder passes that error on and the controller answers 503.
			return this.fetches.fetchForLacking((keys) -> !selector.select(keys).isEmpty()).map(selector::select);
		}
		if (fetched.freshAt(this.clock.instant(), this.maxAge)) {
			return Mono.just(known);
		}
		// Past maxAge within the interval: the keys we have until the next fetch.
		return this.fetches.fetchIfDue().map(selector::select).defaultIfEmpty(known);
	}

	private Mono<JWKSet> load() {
		return this.webClient.get()
			.uri(this.jwkSetUri)
			.retrieve()
			.bodyToMono(String.class)
			// The IdP client's waits are each step's (a connection, each read): a body
			// that trickles in would hold every waiter.
			.timeout(this.fetchTimeout)
			.map(ThrottledJwkSource::parse)
			.doOnNext((keys) -> this.current = new Fetched(keys, this.clock.instant()));
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

}
