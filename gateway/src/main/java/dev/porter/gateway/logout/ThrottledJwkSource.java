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
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * The IdP's signing keys for logout tokens, fetched once and kept. A token naming a key
 * we do not have makes us fetch again (the IdP may have rotated), but at most once per
 * {@code minRefetchInterval} whoever asks: the endpoint is open to the internet, and
 * without the throttle every forged token with a made-up {@code kid} would make the
 * gateway call the IdP — an amplifier aimed at the IdP's rate limits. Failed fetches are
 * throttled the same way; until the next one, a key we lack is an error (answered 503),
 * not a refusal, since the IdP may well have it.
 */
final class ThrottledJwkSource implements Function<SignedJWT, Flux<JWK>> {

	private final WebClient webClient;

	private final String jwkSetUri;

	private final Duration minRefetchInterval;

	private final Duration maxAge;

	private final Clock clock;

	private volatile @Nullable Fetched current;

	/** Whether the last fetch failed: a key we lack may then be one the IdP has. */
	private volatile boolean lastFetchFailed;

	private @Nullable Instant lastAttempt;

	private @Nullable Mono<JWKSet> inFlight;

	/**
	 * @param minRefetchInterval the least time between two fetches
	 * @param maxAge how long fetched keys are trusted before they are fetched again (so a
	 * key the IdP withdrew stops verifying)
	 */
	ThrottledJwkSource(WebClient webClient, String jwkSetUri, Duration minRefetchInterval, Duration maxAge,
			Clock clock) {
		this.webClient = webClient;
		this.jwkSetUri = jwkSetUri;
		this.minRefetchInterval = minRefetchInterval;
		this.maxAge = maxAge;
		this.clock = clock;
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
		if (fetched != null && !known.isEmpty() && now.isBefore(fetched.at().plus(this.maxAge))) {
			return Mono.just(known);
		}
		Mono<JWKSet> refetch = refetch(now);
		if (refetch == null) {
			if (known.isEmpty() && (fetched == null || this.lastFetchFailed)) {
				// Not "no such key" (a 400 the IdP never retries): the token may be
				// genuine and signed with a key we could not fetch. The decoder passes
				// this on and the controller answers 503.
				return Mono.error(new IllegalStateException("the IdP's keys could not be fetched; next attempt after "
						+ this.minRefetchInterval + " from the last"));
			}
			// Throttled: answer with what we have (no key for a made-up kid).
			return Mono.just(known);
		}
		return refetch.map(selector::select);
	}

	/** The fetch to wait for, or null when the last one was too recent. */
	private synchronized @Nullable Mono<JWKSet> refetch(Instant now) {
		if (this.inFlight != null) {
			return this.inFlight;
		}
		if (this.lastAttempt != null && now.isBefore(this.lastAttempt.plus(this.minRefetchInterval))) {
			return null;
		}
		this.lastAttempt = now;
		Mono<JWKSet> fetch = this.webClient.get()
			.uri(this.jwkSetUri)
			.retrieve()
			.bodyToMono(String.class)
			.map(ThrottledJwkSource::parse)
			.switchIfEmpty(Mono.error(() -> new IllegalStateException("the JWKS response was empty")))
			// Before the keys or the error reach anyone: a caller acting on them at once
			// must find this fetch finished, not join it again and miss newer keys.
			.doOnNext(this::fetched)
			.doOnError((ex) -> failed())
			.doOnCancel(this::abandoned)
			.cache();
		this.inFlight = fetch;
		return fetch;
	}

	private synchronized void fetched(JWKSet keys) {
		this.current = new Fetched(keys, this.clock.instant());
		this.lastFetchFailed = false;
		this.inFlight = null;
	}

	private synchronized void abandoned() {
		this.inFlight = null;
	}

	private synchronized void failed() {
		this.lastFetchFailed = true;
		this.inFlight = null;
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
	}

}
