package dev.porter.devidp.oauth;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

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
 */
final class ConcurrentAuthorizations implements OAuth2AuthorizationService {

	/**
	 * How often a save looks for authorizations to forget: each look reads them all, so
	 * not on every save, yet often enough that a long run holds little more than what is
	 * still valid.
	 */
	static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

	private final Map<String, OAuth2Authorization> byId = new ConcurrentHashMap<>();

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
		this.byId.put(authorization.getId(), authorization);
		forgetExpiredWhenDue();
	}

	@Override
	public void remove(OAuth2Authorization authorization) {
		this.byId.remove(authorization.getId(), authorization);
	}

	@Override
	public @Nullable OAuth2Authorization findById(String id) {
		return this.byId.get(id);
	}

	@Override
	public @Nullable OAuth2Authorization findByToken(String token, @Nullable OAuth2TokenType tokenType) {
		// ConcurrentHashMap iterates without ever throwing on a concurrent change.
		return this.byId.values()
			.stream()
			.filter((authorization) -> CarriedToken.of(authorization)
				.stream()
				.anyMatch((carried) -> carried.is(token, tokenType)))
			.findFirst()
			.orElse(null);
	}

	/**
	 * Forgets every authorization whose tokens have all expired, when the last sweep is
	 * {@link #SWEEP_INTERVAL} ago (or ahead: a clock set back). One save sweeps; saves
	 * meanwhile do not wait for it.
	 */
	private void forgetExpiredWhenDue() {
		Instant now = this.clock.instant();
		Instant last = this.lastSweep.get();
		boolean due = now.isBefore(last) || !now.isBefore(last.plus(SWEEP_INTERVAL));
		if (due && this.lastSweep.compareAndSet(last, now)) {
			// Only the version judged: a newer one saved meanwhile may carry new tokens.
			this.byId.forEach((id, authorization) -> {
				if (isExpired(authorization, now)) {
					this.byId.remove(id, authorization);
				}
			});
		}
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
