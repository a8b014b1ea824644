package dev.porter.gateway.session;

import java.time.Clock;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * The sessions {@link EncryptedRedisSessionRepository} keeps, read and removed by key:
 * one {@code GET}, or a {@code GET} and {@code DEL} in one step, of the same value the
 * repository reads by id, opened with the key as associated data
 * ({@link SessionCodec#open}).
 */
class RedisStoredSessions implements StoredSessions {

	/**
	 * The value removed with its key, as {@code GETDEL} does from Redis 6.2 on; a script
	 * works on the Redis 6.0 the gateway otherwise needs.
	 */
	private static final RedisScript<byte[]> TAKE = RedisScript.of("""
			local value = redis.call('GET', KEYS[1])
			if value then
			  redis.call('DEL', KEYS[1])
			end
			return value
			""", byte[].class);

	private final ReactiveRedisTemplate<String, byte[]> redis;

	private final SessionCodec codec;

	private final SessionNearCache kept;

	private final Clock clock;

	private final LoweredIdleTimeout loweredIdleTimeout;

	RedisStoredSessions(ReactiveRedisTemplate<String, byte[]> redis, SessionCodec codec, SessionNearCache kept,
			LoweredIdleTimeout loweredIdleTimeout, Clock clock) {
		this.redis = redis;
		this.codec = codec;
		this.kept = kept;
		this.loweredIdleTimeout = loweredIdleTimeout;
		this.clock = clock;
	}

	@Override
	public Mono<Boolean> isLive(SessionKey key) {
		return contents(key).hasElement();
	}

	@Override
	public Mono<LoginUser> loginUser(SessionKey key) {
		return contents(key).mapNotNull((contents) -> LoginUser.in(contents.attributes()));
	}

	@Override
	public Mono<OAuth2RefreshToken> refreshToken(SessionKey key) {
		return contents(key).mapNotNull((contents) -> LoginTokens.in(contents.attributes()))
			.mapNotNull(LoginTokens::refreshToken)
			.map((token) -> new OAuth2RefreshToken(token, null));
	}

	/**
	 * One step ({@link #TAKE}): a refresh's compare-and-set either stored its tokens
	 * before, and they are what this takes, or finds the session gone and writes nothing.
	 * The refresh token is read even from a session past its idle timeout: the IdP does
	 * not know the session expired.
	 */
	@Override
	public Mono<OAuth2RefreshToken> end(SessionKey key) {
		// Here at once; on the other instances once Redis announces the deletion.
		return this.redis.execute(TAKE, List.of(EncryptedRedisSessionRepository.key(key)))
			.next()
			.doOnSuccess((deleted) -> this.kept.forget(key))
			.mapNotNull((value) -> this.codec.open(key, value))
			.mapNotNull((contents) -> LoginTokens.in(contents.attributes()))
			.mapNotNull(LoginTokens::refreshToken)
			.map((token) -> new OAuth2RefreshToken(token, null));
	}

	/**
	 * The same as {@link #end}: a request of it still on its way cannot save it back (its
	 * compare-and-set fails), and sets no cookie.
	 */
	@Override
	public Mono<OAuth2RefreshToken> endReplaced(SessionKey key) {
		return end(key);
	}

	/**
	 * As the repository finds a session: nothing when it is gone (then not kept either),
	 * unreadable or expired; expired only by a lowered idle timeout, it is stored as
	 * idled out ({@link LoweredIdleTimeout}).
	 */
	private Mono<SessionCodec.Contents> contents(SessionKey key) {
		return this.redis.opsForValue()
			.get(EncryptedRedisSessionRepository.key(key))
			.switchIfEmpty(Mono.fromRunnable(() -> this.kept.forget(key)))
			.flatMap((value) -> {
				SessionCodec.Contents contents = this.codec.open(key, value);
				if (contents == null) {
					return Mono.empty();
				}
				if (!contents.isExpired(this.clock.instant())) {
					return Mono.just(contents);
				}
				return this.loweredIdleTimeout.idledOut(key, contents.idleTimeoutLowered(), value,
						() -> this.codec.encode(key, contents));
			});
	}

}
