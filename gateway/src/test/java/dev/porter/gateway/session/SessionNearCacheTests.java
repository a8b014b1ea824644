package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.Set;

import dev.porter.gateway.crypto.KeyRing;
import dev.porter.gateway.redis.RedisKeyTracking;
import dev.porter.testsupport.Eventually;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisTemplateExtension;
import dev.porter.gateway.support.TestSessionKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EncryptedRedisSessionRepository}'s near cache ({@link SessionNearCache}) against
 * a real {@code redis-server}, as two gateway instances sharing it meet it: a session
 * read a moment ago is served without asking Redis, and a change or an end on the other
 * instance is seen once Redis announces it — well before the cache's own time bound —
 * while every read whose answer decides a write, and every read while the tracking cannot
 * vouch for what is kept, goes to Redis.
 */
class SessionNearCacheTests {

	@RegisterExtension
	static final RedisTemplateExtension redis = new RedisTemplateExtension();

	private static final Duration IDLE = Duration.ofMinutes(30);

	/** No ping within a test: only the tests' clock makes the last answer old. */
	private static final Duration HEARTBEAT = Duration.ofMinutes(1);

	/** Well within {@link SessionNearCache#TRUST_FOR}: seen through the invalidation. */
	private static final Duration ANNOUNCED_WITHIN = Duration.ofSeconds(2);

	private static final LoginTokens TOKENS = new LoginTokens("at-secret-1", Instant.ofEpochSecond(1_800_000_000),
			Instant.ofEpochSecond(1_800_003_600), Set.of("openid"), "rt-secret-1");

	private final MovableClock clock = new MovableClock(Instant.now());

	private final RedisKeyTracking tracking = redis.keyTracking(this.clock::nanoTime, HEARTBEAT);

	private final String keys = TestSessionKeys.newKey();

	private final SessionCodec codec = new SessionCodec(KeyRing.parse(this.keys, "KEYS"), IDLE, this.clock);

	private final SessionNearCache keptHere = new SessionNearCache(this.codec, this.tracking, this.clock::nanoTime);

	/** This instance: its tracking on. */
	private final LoweredIdleTimeout loweredHere = new LoweredIdleTimeout(values(), this.keptHere);

	private final EncryptedRedisSessionRepository here = new EncryptedRedisSessionRepository(values(), this.codec,
			this.keptHere, this.loweredHere, IDLE, this.clock);

	/** This instance's sessions by key, as {@code /bff/sessions} ends them. */
	private final RedisStoredSessions endedHere = new RedisStoredSessions(values(), this.codec, this.keptHere,
			this.loweredHere, this.clock);

	/** Another instance sharing the sessions (and their keys). */
	private final EncryptedRedisSessionRepository there = repository(this.codec, IDLE,
			redis.keyTracking(this.clock::nanoTime, HEARTBEAT));

	@BeforeEach
	void trackingOn() {
		this.tracking.start();
		Eventually.await("tracking on", Duration.ofSeconds(5),
				() -> this.tracking.stamp() != RedisKeyTracking.NOT_TRACKING);
	}

	@Test
	void findByIdWhenReadAMomentAgoAndUnchangedThenServedWithoutAskingRedis() {
		String id = signedIn().getId();
		keptHere(id);
		long gets = gets();

		StoredSession again = this.here.findById(id).block();

		assertThat(gets()).isEqualTo(gets);
		assertThat(again.<LoginTokens>getAttribute(LoginTokens.ATTRIBUTE)).isEqualTo(TOKENS);
		assertThat(again).as("a copy of its own").isNotSameAs(this.here.findById(id).block());
	}

	@Test
	void findByIdWhenChangedOnAnotherInstanceThenTheChangeIsSeenOnceRedisAnnouncesIt() {
		String id = signedIn().getId();
		keptHere(id);

		StoredSession changed = this.there.findById(id).block();
		changed.setAttribute("porter.test", "changed there");
		this.there.save(changed).block();

		Eventually.await("the change seen here", ANNOUNCED_WITHIN,
				() -> "changed there".equals(this.here.findById(id).block().getAttribute("porter.test")));
	}

	@Test
	void findByIdWhenEndedOnAnotherInstanceThenNotFoundOnceRedisAnnouncesIt() {
		String id = signedIn().getId();
		keptHere(id);

		this.there.deleteById(id).block();

		Eventually.await("the end seen here", ANNOUNCED_WITHIN, () -> this.here.findById(id).blockOptional().isEmpty());
	}

	@Test
	void findByIdWhenEndedByKeyOnThisInstanceThenNotFoundAtOnce() {
		String id = signedIn().getId();
		keptHere(id);

		this.endedHere.end(SessionKey.of(id)).block();

		assertThat(this.here.findById(id).blockOptional()).isEmpty();
	}

	/**
	 * {@code SESSION_IDLE_TIMEOUT} lowered in a rolling restart: a session that an
	 * instance on the longer old setting stored, kept here and idle since, is not served
	 * from the cache once this instance's idle timeout has passed; it is stored as idled
	 * out, without reading it again, so that the old setting does not bring it back.
	 */
	@Test
	void findByIdWhenKeptAsStoredWithALongerIdleTimeoutAndThisInstancesPassedThenNotFound() {
		Duration oldIdle = Duration.ofHours(8);
		SessionCodec oldSetting = new SessionCodec(KeyRing.parse(this.keys, "KEYS"), oldIdle, this.clock);
		EncryptedRedisSessionRepository beforeDeploy = repository(oldSetting, oldIdle,
				redis.keyTracking(this.clock::nanoTime, HEARTBEAT));
		StoredSession session = beforeDeploy.createSession().block();
		session.setAttribute(LoginTokens.ATTRIBUTE, TOKENS);
		beforeDeploy.save(session).block();
		keptHere(session.getId());

		// The wall clock alone: the value kept is still as fresh, and trusted.
		this.clock.moveTo(this.clock.instant().plus(IDLE));

		assertThat(this.here.findById(session.getId()).blockOptional()).isEmpty();
		assertThat(beforeDeploy.findById(session.getId()).blockOptional()).as("on the old setting").isEmpty();
		Long ttl = redis.template()
			.getExpire(EncryptedRedisSessionRepository.key(session.getId()))
			.map(Duration::toMillis)
			.block();
		assertThat(ttl).isPositive().isLessThanOrEqualTo(EncryptedRedisSessionRepository.STORE_GRACE.toMillis());
	}

	@Test
	void findCurrentThenAlwaysAsksRedis() {
		String id = signedIn().getId();
		keptHere(id);
		long gets = gets();

		this.here.findCurrent(id, Instant.MIN).block();

		assertThat(gets()).isEqualTo(gets + 1);
	}

	@Test
	void findByIdWhenTheTrackingHasNotAnsweredForThreeHeartbeatsThenAsksRedis() {
		String id = signedIn().getId();
		keptHere(id);
		long gets = gets();

		this.clock.advance(HEARTBEAT.multipliedBy(3).plusMillis(1));
		this.here.findById(id).block();

		assertThat(gets()).isEqualTo(gets + 1);
	}

	@Test
	void findByIdWhenKeptForLongerThanItsBoundThenAsksRedis() {
		String id = signedIn().getId();
		keptHere(id);
		long gets = gets();

		this.clock.advance(SessionNearCache.TRUST_FOR.plusMillis(1));
		this.here.findById(id).block();
		this.here.findById(id).block();

		assertThat(gets()).as("read again once, then kept again").isEqualTo(gets + 1);
	}

	@Test
	void findByIdWhenTheWallClockSteppedBackThenKeptNoLongerThanItsBound() {
		// NTP stepping the time back, or a VM resumed: by the wall clock, the value kept
		// TRUST_FOR + 4.5 s ago looks 9.5 s old, and was served as such.
		String id = signedIn().getId();
		keptHere(id);
		long gets = gets();

		this.clock.advance(SessionNearCache.TRUST_FOR.minusSeconds(1));
		this.clock.moveTo(this.clock.instant().minusSeconds(5));
		this.clock.advance(Duration.ofMillis(5500));
		this.here.findById(id).block();

		assertThat(gets()).isEqualTo(gets + 1);
	}

	@Test
	void findByIdWhenThisInstanceWroteTheSessionThenTheNextReadAsksRedis() {
		// Another instance may write right after this one: only Redis's announcement of
		// this write, or a read, makes the kept value current again.
		StoredSession session = signedIn();
		long gets = gets();

		this.here.findById(session.getId()).block();

		assertThat(gets()).isEqualTo(gets + 1);
	}

	/**
	 * Reads the session here until it is served from the cache: the announcement of its
	 * own write arrives a moment after the write, and a read that overlaps it asks Redis.
	 */
	private void keptHere(String id) {
		keptIn(this.here, id);
	}

	private static void keptIn(EncryptedRedisSessionRepository instance, String id) {
		Eventually.await("the session kept", Duration.ofSeconds(5), () -> {
			long gets = gets();
			instance.findById(id).block();
			return gets() == gets;
		});
	}

	private StoredSession signedIn() {
		StoredSession session = this.here.createSession().block();
		session.setAttribute(LoginTokens.ATTRIBUTE, TOKENS);
		this.here.save(session).block();
		return session;
	}

	/**
	 * How many GETs Redis has served: each is a read that did not come from the cache.
	 */
	private static long gets() {
		Properties stats = redis.template()
			.execute((connection) -> connection.serverCommands().info("commandstats"))
			.blockLast();
		String get = stats.getProperty("cmdstat_get");
		return (get != null) ? Long.parseLong(get.replaceFirst("^calls=(\\d+),.*", "$1")) : 0;
	}

	/**
	 * Another instance, with a near cache of its own on {@code tracking}, whose
	 * {@code SESSION_IDLE_TIMEOUT} is {@code idle}.
	 */
	private EncryptedRedisSessionRepository repository(SessionCodec codec, Duration idle, RedisKeyTracking tracking) {
		SessionNearCache kept = new SessionNearCache(codec, tracking, this.clock::nanoTime);
		return new EncryptedRedisSessionRepository(values(), codec, kept, new LoweredIdleTimeout(values(), kept), idle,
				this.clock);
	}

	private static ReactiveRedisTemplate<String, byte[]> values() {
		return new ReactiveRedisTemplate<>(redis.connectionFactory(),
				RedisSerializationContext.<String, byte[]>newSerializationContext(RedisSerializer.string())
					.value(RedisSerializer.byteArray())
					.build());
	}

}
