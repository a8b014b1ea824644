package dev.porter.gateway.logout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.porter.gateway.cache.Caches;
import reactor.core.publisher.Mono;

/**
 * The seen {@code jti}s of one gateway process, each expiring at its own time. Only
 * tokens with a valid IdP signature get here, so the IdP's logout rate bounds the size.
 */
class InMemorySeenLogoutTokens implements SeenLogoutTokens {

	private final Cache<String, Instant> seen;

	InMemorySeenLogoutTokens(Clock clock) {
		this.seen = Caches.newBuilder().expireAfter(Expiry.<String, Instant>creating((jti, forgetAt) -> {
			Duration left = Duration.between(clock.instant(), forgetAt);
			return left.isNegative() ? Duration.ZERO : left;
		})).ticker(Caches.ticker(clock)).build();
	}

	@Override
	public Mono<Boolean> firstSighting(String jti, Instant forgetAt) {
		return Mono.fromSupplier(() -> this.seen.asMap().putIfAbsent(jti, forgetAt) == null);
	}

	@Override
	public Mono<Void> forget(String jti) {
		return Mono.fromRunnable(() -> this.seen.invalidate(jti));
	}

	/** Whether {@code jti} is still remembered (for tests of the expiry). */
	boolean remembers(String jti) {
		return this.seen.getIfPresent(jti) != null;
	}

}
