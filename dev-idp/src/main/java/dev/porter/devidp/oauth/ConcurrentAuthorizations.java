package dev.porter.devidp.oauth;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The authorization store, safe under parallel logins. Spring Authorization Server's
 * {@code InMemoryOAuth2AuthorizationService} fails them twice: it iterates its map of
 * logins awaiting their code exchange without holding that map's lock (a login saved
 * meanwhile threw {@code ConcurrentModificationException}, about 1.5 % of 2 000 parallel
 * logins), and it keeps only the newest 100 of those logins, so the 101st concurrent
 * login evicted the first one's code. Here every authorization lives in one concurrent
 * map until it is removed or nothing can use it any more: every token it carries has
 * expired (a login abandoned before its code exchange, a session past its refresh token's
 * expiry). Like everything in dev-idp it is gone at restart.
 * <p>
 * A lookup by token reads only the authorizations carrying it (see {@link TokenIndex}),
 * not all of them: the server looks one up on every token request and {@code /userinfo}.
 * Each change to an authorization updates the index while holding that authorization's
 * entry, so that concurrent saves of one authorization (the server saves it again at
 * every step of a login) leave the index as the version kept.
 */
final class ConcurrentAuthorizations implements OAuth2AuthorizationService {

	/**
	 * How often a save looks for authorizations to forget: each look reads them all, so
	 * not on every save, yet often enough that a long run holds little more than what is
	 * still valid.
	 */
	private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

	private final Map<String, OAuth2Authorization> byId = new ConcurrentHashMap<>();

	private final TokenIndex index = new TokenIndex();

	private final InstantSource clock;

	private final AtomicReference<Instant> lastSweep;

	/**
	 * @param clock what a token's expiry is judged on
	 */
	ConcurrentAuthorizations(InstantSource clock) {
		this.clock = clock;
		this.lastSweep = new AtomicReference<>(clock.instant());
	}

	@Override
	public void save(OAuth2Authorization authorization) {
		Instant now = this.clock.instant();
		this.byId.compute(authorization.getId(), (id, previous) -> {
			this.index.move(id, previous, authorization, now);
			return authorization;
		});
		forgetExpiredWhenDue(now);
	}

	/** Removes {@code authorization} if it is still the version held. */
	@Override
	public void remove(OAuth2Authorization authorization) {
		forgetIf(authorization.getId(), authorization::equals);
	}

	@Override
	public @Nullable OAuth2Authorization findById(String id) {
		return this.byId.get(id);
	}

	@Override
	public @Nullable OAuth2Authorization findByToken(String token, @Nullable OAuth2TokenType tokenType) {
		Instant now = this.clock.instant();
		for (TokenIndex.Holder holder : this.index.holders(token)) {
			OAuth2Authorization authorization = this.byId.get(holder.authorizationId());
			// Checked again: a save may be between the index and the map.
			if (authorization != null && holder.answers(authorization, token, tokenType, now)) {
				return authorization;
			}
		}
		return null;
	}

	/** How many token values find an authorization, replaced ones included; for tests. */
	int indexedTokens() {
		return this.index.size();
	}

	/**
	 * Forgets every authorization whose tokens have all expired, and the replaced access
	 * tokens that have, when the last sweep is {@link #SWEEP_INTERVAL} ago (or ahead: a
	 * clock set back). One save sweeps; saves meanwhile do not wait for it.
	 */
	private void forgetExpiredWhenDue(Instant now) {
		Instant last = this.lastSweep.get();
		boolean due = now.isBefore(last) || !now.isBefore(last.plus(SWEEP_INTERVAL));
		if (due && this.lastSweep.compareAndSet(last, now)) {
			this.byId.forEach((id, authorization) -> {
				if (isExpired(authorization, now)) {
					// Judged again: a newer version saved meanwhile may carry new tokens.
					forgetIf(id, (held) -> isExpired(held, now));
				}
			});
			this.index.forgetReplacedExpiredAt(now);
		}
	}

	private void forgetIf(String id, Predicate<OAuth2Authorization> condition) {
		this.byId.computeIfPresent(id, (key, held) -> {
			if (!condition.test(held)) {
				return held;
			}
			this.index.forget(id, held);
			return null;
		});
	}

	/**
	 * Whether nothing can use it any more. One carrying no token at all (only a
	 * {@code state}, awaiting consent) is kept: the server gives it no lifetime.
	 */
	private static boolean isExpired(OAuth2Authorization authorization, Instant now) {
		List<CarriedToken> carried = CarriedToken.of(authorization);
		return !carried.isEmpty() && carried.stream().allMatch((token) -> token.isExpiredAt(now));
	}

}
