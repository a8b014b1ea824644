package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import dev.porter.gateway.crypto.KeyRing;
import dev.porter.gateway.redis.KeyTracking;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisTemplateExtension;
import dev.porter.gateway.support.TestSessionKeys;
import dev.porter.testsupport.Eventually;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SessionNearCache} with the tracking's stamps and invalidations given by hand
 * ({@link HandTracking}), at the moments a real connection only meets by chance: an
 * invalidation that arrives while a read keeps its value, a push still on its way while
 * Redis already answers that the session is gone, a read answered late.
 */
class SessionNearCacheInterleavingTests {

	@RegisterExtension
	static final RedisTemplateExtension redis = new RedisTemplateExtension();

	private static final Duration IDLE = Duration.ofMinutes(30);

	private static final Duration PATIENCE = Duration.ofSeconds(5);

	private static final LoginTokens TOKENS = new LoginTokens("at-secret-1", Instant.ofEpochSecond(1_800_000_000),
			Instant.ofEpochSecond(1_800_003_600), Set.of("openid"), "rt-secret-1");

	private final MovableClock clock = new MovableClock(Instant.now());

	private final HandTracking tracking = new HandTracking();

	private final SessionCodec codec = new SessionCodec(KeyRing.parse(TestSessionKeys.newKey(), "KEYS"), IDLE,
			this.clock);

	private final SessionNearCache kept = new SessionNearCache(this.codec, this.tracking, this.clock::nanoTime);

	private final LoweredIdleTimeout loweredIdleTimeout = new LoweredIdleTimeout(values(), this.kept);

	// The session's first read on this instance: nothing kept under its key yet. Its
	// value checked current, then another instance ended the session, Redis pushed the
	// key's name, and the invalidation looked for the key before the read had put its
	// value in: the ended session was served for up to TRUST_FOR.
	@Test
	void decodeWhenItsKeyIsInvalidatedWhileTheFirstValueReadIsBeingKeptThenThatValueIsNotServed() throws Exception {
		StoredSession session = signedIn();
		SessionKey key = SessionKey.of(session.getId());
		Thread invalidation = new Thread(() -> this.tracking.invalidate(EncryptedRedisSessionRepository.key(key)),
				"invalidation");
		this.tracking.whileChecking(() -> {
			// The value is checked current, and not kept yet: the invalidation comes now.
			invalidation.start();
			Eventually.await("the invalidation applied, or waiting for the key", PATIENCE,
					() -> invalidation.getState() == Thread.State.TERMINATED
							|| invalidation.getState() == Thread.State.BLOCKED);
		});

		StoredSession read = this.kept.decode(session.getId(), key, this.codec.encode(session), this.kept.startRead());
		invalidation.join(PATIENCE.toMillis());

		assertThat(read).isNotNull();
		assertThat(invalidation.isAlive()).isFalse();
		assertThat(this.kept.trusted(key)).as("the ended session served from memory").isNull();
	}

	// Redis answers a read that the session is gone (logged out on another instance)
	// while the push announcing it is still on its way: what was kept must not outlive
	// what Redis just said.
	@Test
	void findByIdWhenRedisAnsweredAnotherReadThatTheSessionIsGoneThenNotServedFromMemory() {
		EncryptedRedisSessionRepository repository = new EncryptedRedisSessionRepository(values(), this.codec,
				this.kept, this.loweredIdleTimeout, IDLE, this.clock);
		StoredSession session = signedIn();
		repository.save(session).block();
		repository.findById(session.getId()).block();
		assertThat(this.kept.trusted(SessionKey.of(session.getId()))).as("kept").isNotNull();

		redis.template().delete(EncryptedRedisSessionRepository.key(session.getId())).block();
		assertThat(repository.findCurrent(session.getId(), Instant.MIN).blockOptional()).isEmpty();

		assertThat(repository.findById(session.getId()).blockOptional()).isEmpty();
	}

	// Redis answered the read late (a busy moment, a slow network): the value is as old
	// as the read, and its bound counts from when the read began.
	@Test
	void trustedWhenTheReadWasAnsweredLateThenNoLongerThanItsBoundFromTheReadsStart() {
		StoredSession session = signedIn();
		SessionKey key = SessionKey.of(session.getId());
		SessionNearCache.Read read = this.kept.startRead();

		this.clock.advance(SessionNearCache.TRUST_FOR.minusSeconds(1));
		this.kept.decode(session.getId(), key, this.codec.encode(session), read);
		this.clock.advance(Duration.ofSeconds(2));

		assertThat(this.kept.trusted(key)).isNull();
	}

	// The same read by key, as /bff/sessions lists a user's sessions.
	@Test
	void findByIdWhenAReadByKeyFoundTheSessionGoneThenNotServedFromMemory() {
		EncryptedRedisSessionRepository repository = new EncryptedRedisSessionRepository(values(), this.codec,
				this.kept, this.loweredIdleTimeout, IDLE, this.clock);
		RedisStoredSessions byKey = new RedisStoredSessions(values(), this.codec, this.kept, this.loweredIdleTimeout,
				this.clock);
		StoredSession session = signedIn();
		repository.save(session).block();
		repository.findById(session.getId()).block();
		assertThat(this.kept.trusted(SessionKey.of(session.getId()))).as("kept").isNotNull();

		redis.template().delete(EncryptedRedisSessionRepository.key(session.getId())).block();
		assertThat(byKey.isLive(SessionKey.of(session.getId())).block()).isFalse();

		assertThat(repository.findById(session.getId()).blockOptional()).isEmpty();
	}

	private StoredSession signedIn() {
		StoredSession session = StoredSession.create(this.clock, IDLE);
		session.setAttribute(LoginTokens.ATTRIBUTE, TOKENS);
		return session;
	}

	private static ReactiveRedisTemplate<String, byte[]> values() {
		return new ReactiveRedisTemplate<>(redis.connectionFactory(),
				RedisSerializationContext.<String, byte[]>newSerializationContext(RedisSerializer.string())
					.value(RedisSerializer.byteArray())
					.build());
	}

	/**
	 * Tracking that is on from the start, whose invalidations the test sends: each moves
	 * the stamp on, then tells the listener, as {@code RedisKeyTracking} does with a
	 * push.
	 */
	private static final class HandTracking implements KeyTracking {

		private final AtomicLong sequence = new AtomicLong();

		private volatile @Nullable InvalidationListener listener;

		private volatile Runnable whileChecking = () -> {
		};

		@Override
		public void track(String prefix, InvalidationListener invalidated) {
			this.listener = invalidated;
		}

		@Override
		public long stamp() {
			return this.sequence.get();
		}

		/** Runs the step given to {@link #whileChecking} once the answer is known. */
		@Override
		public boolean unchangedSince(long stamp) {
			boolean unchanged = stamp != NOT_TRACKING && this.sequence.get() == stamp;
			Runnable step = this.whileChecking;
			this.whileChecking = () -> {
			};
			step.run();
			return unchanged;
		}

		@Override
		public boolean trusts(long stamp) {
			return stamp != NOT_TRACKING;
		}

		/** A step to run once, right after the next check of a stamp. */
		void whileChecking(Runnable step) {
			this.whileChecking = step;
		}

		void invalidate(String key) {
			this.sequence.incrementAndGet();
			InvalidationListener listener = this.listener;
			if (listener != null) {
				listener.invalidated(key);
			}
		}

	}

}
