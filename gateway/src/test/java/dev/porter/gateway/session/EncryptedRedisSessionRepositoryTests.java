package dev.porter.gateway.session;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.porter.gateway.crypto.KeyRing;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisTemplateExtension;
import dev.porter.gateway.support.TestSessionKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link EncryptedRedisSessionRepository} against a real {@code redis-server}: one sealed
 * value per session, written only when needed, never overwriting a concurrent writer's
 * change nor bringing an ended session back, readable across a key rotation.
 */
class EncryptedRedisSessionRepositoryTests {

	@RegisterExtension
	static final RedisTemplateExtension redis = new RedisTemplateExtension();

	private static final Duration IDLE = Duration.ofMinutes(30);

	/** Issue 11's budget for one signed-in session in Redis. */
	private static final long BUDGET_BYTES = 5 * 1024;

	private static final LoginTokens TOKENS = new LoginTokens("at-secret-1", Instant.ofEpochSecond(1_800_000_000),
			Instant.ofEpochSecond(1_800_003_600), Set.of("openid", "profile"), "rt-secret-1");

	private final String k1 = TestSessionKeys.newKey();

	private final String k2 = TestSessionKeys.newKey();

	private final EncryptedRedisSessionRepository repository = repository(this.k1);

	@Test
	void saveWhenNewThenOneSealedValueLivingForTheIdleTimeoutAndFoundAgain() {
		StoredSession session = signedIn(this.repository);

		byte[] value = stored(session.getId());
		assertThat(new String(value, StandardCharsets.ISO_8859_1)).doesNotContain("at-secret-1", "rt-secret-1");
		assertThat(redis.template().getExpire(EncryptedRedisSessionRepository.key(session.getId())).block())
			.isPositive()
			.isLessThanOrEqualTo(IDLE.plus(EncryptedRedisSessionRepository.STORE_GRACE));
		StoredSession found = this.repository.findById(session.getId()).block();
		assertThat(found).isNotNull();
		assertThat(LoginTokens.class.cast(found.getAttribute(LoginTokens.ATTRIBUTE))).isEqualTo(TOKENS);
		assertThat(found.<Long>getAttribute(SessionAttributes.AUTHENTICATED_AT)).isEqualTo(1_800_000_000_000L);
		assertThat(found.getCreationTime()).isEqualTo(session.getCreationTime());
	}

	/**
	 * A request that arrives a moment before its session's idle timeout holds the session
	 * while it waits for the IdP's refresh (up to TOKEN_REFRESH_TIMEOUT, 30 s), and
	 * writes its use back only at its answer. Redis must not delete the value meanwhile:
	 * the refresh would find nothing to store its rotated token in, and revoke it, and
	 * the answer's save would find nothing to write back; the user, active, is signed
	 * out. Every read still ends the session by its own idle timeout.
	 */
	@Test
	void saveThenRedisKeepsTheValueLongerThanTheIdleTimeoutByWhatARequestMayHoldIt() {
		MovableClock clock = new MovableClock(Instant.now());
		EncryptedRedisSessionRepository repository = repository(this.k1, clock);
		StoredSession session = signedIn(repository);
		String key = EncryptedRedisSessionRepository.key(session.getId());

		Duration left = redis.template().getExpire(key).block();
		assertThat(left).as("Redis's time left just after the write").isGreaterThan(IDLE.plusMinutes(1));

		clock.advance(IDLE.plusSeconds(1));
		assertThat(repository.findById(session.getId()).block()).as("past its idle timeout").isNull();
	}

	/**
	 * {@code SESSION_IDLE_TIMEOUT} lowered in a rolling restart: a session stored by an
	 * instance on the longer old setting, and idle since, ends on the instances already
	 * on the new one once the new one has passed, however long it was stored with. Read
	 * by id or for a write alike.
	 */
	@Test
	void findWhenStoredWithALongerIdleTimeoutThanThisInstancesThenEndedByThisInstances() {
		MovableClock clock = new MovableClock(Instant.now());
		EncryptedRedisSessionRepository beforeDeploy = repository(this.k1, Duration.ofHours(8), clock);
		EncryptedRedisSessionRepository afterDeploy = repository(this.k1, IDLE, clock);
		String id = signedIn(beforeDeploy).getId();

		clock.advance(IDLE.plusSeconds(1));

		assertThat(afterDeploy.findById(id).blockOptional()).as("by id").isEmpty();
		assertThat(afterDeploy.findCurrent(id, Instant.MIN).blockOptional()).as("for a write").isEmpty();
	}

	/** Raised, the idle timeout brings back no session that idled out before. */
	@Test
	void findWhenStoredWithAShorterIdleTimeoutThanThisInstancesThenEndedByTheStoredOne() {
		MovableClock clock = new MovableClock(Instant.now());
		EncryptedRedisSessionRepository beforeDeploy = repository(this.k1, IDLE, clock);
		EncryptedRedisSessionRepository afterDeploy = repository(this.k1, Duration.ofHours(8), clock);
		String id = signedIn(beforeDeploy).getId();

		clock.advance(IDLE.plusSeconds(1));

		assertThat(afterDeploy.findById(id).blockOptional()).as("by id").isEmpty();
		assertThat(afterDeploy.findCurrent(id, Instant.MIN).blockOptional()).as("for a write").isEmpty();
	}

	@Test
	void saveWhenOnlyLastAccessMovedALittleThenNothingWrittenAndAfterAWhileWrittenBack() {
		String id = signedIn(this.repository).getId();
		byte[] before = stored(id);

		StoredSession soon = this.repository.findById(id).block();
		soon.setLastAccessedTime(soon.getLastAccessedTime().plusSeconds(5));
		this.repository.save(soon).block();
		assertThat(stored(id)).isEqualTo(before);

		StoredSession later = this.repository.findById(id).block();
		later.setLastAccessedTime(later.getLastAccessedTime().plusSeconds(61));
		this.repository.save(later).block();
		assertThat(stored(id)).isNotEqualTo(before);
		assertThat(this.repository.findById(id).block().getLastAccessedTime()).isEqualTo(later.getLastAccessedTime());
	}

	// Spring saves the session as the answer is committed: the last access's write-back,
	// due once a minute, failed a request that had done its work (a relayed PATCH that
	// profile-service applied answered 503, counted against profile-service).
	@Test
	void saveWhenOnlyTheLastAccessIsDueAndRedisTimesOutThenNoFailureAndTheNextSaveWritesIt() {
		String id = signedIn(this.repository).getId();
		byte[] before = stored(id);
		EncryptedRedisSessionRepository timingOut = repository(this.k1, Clock.systemUTC(), new TimingOutScripts());
		StoredSession due = timingOut.findById(id).block();
		due.setLastAccessedTime(due.getLastAccessedTime().plusSeconds(61));

		timingOut.save(due).block();

		assertThat(stored(id)).as("nothing written").isEqualTo(before);
		StoredSession next = this.repository.findById(id).block();
		next.setLastAccessedTime(next.getLastAccessedTime().plusSeconds(62));
		this.repository.save(next).block();
		assertThat(this.repository.findById(id).block().getLastAccessedTime()).isEqualTo(next.getLastAccessedTime());
	}

	@Test
	void saveWhenAChangeIsDueAndRedisTimesOutThenTheFailureReachesTheRequest() {
		String id = signedIn(this.repository).getId();
		EncryptedRedisSessionRepository timingOut = repository(this.k1, Clock.systemUTC(), new TimingOutScripts());
		StoredSession changed = timingOut.findById(id).block();
		changed.setAttribute("porter.csrf-token", "c".repeat(43));

		assertThatExceptionOfType(QueryTimeoutException.class).isThrownBy(() -> timingOut.save(changed).block());
	}

	@Test
	void saveWhenConcurrentRequestsAllFindTheLastAccessDueThenOnlyTheFirstWritesItBack() {
		String id = signedIn(this.repository).getId();
		StoredSession first = this.repository.findById(id).block();
		StoredSession second = this.repository.findById(id).block();
		first.setLastAccessedTime(first.getLastAccessedTime().plusSeconds(61));
		second.setLastAccessedTime(second.getLastAccessedTime().plusSeconds(62));

		this.repository.save(first).block();
		byte[] written = stored(id);
		this.repository.save(second).block();

		assertThat(stored(id)).isEqualTo(written);
		assertThat(this.repository.findById(id).block().getLastAccessedTime()).isEqualTo(first.getLastAccessedTime());
	}

	@Test
	void saveWhenConcurrentRequestFoundTheLastAccessDueAndChangedAnAttributeThenBothWritten() {
		String id = signedIn(this.repository).getId();
		StoredSession first = this.repository.findById(id).block();
		StoredSession second = this.repository.findById(id).block();
		first.setLastAccessedTime(first.getLastAccessedTime().plusSeconds(61));
		second.setLastAccessedTime(second.getLastAccessedTime().plusSeconds(62));
		second.setAttribute("porter.csrf-token", "csrf-2");

		this.repository.save(first).block();
		this.repository.save(second).block();

		StoredSession found = this.repository.findById(id).block();
		assertThat(found.<String>getAttribute("porter.csrf-token")).isEqualTo("csrf-2");
		assertThat(found.getLastAccessedTime()).isEqualTo(second.getLastAccessedTime());
	}

	@Test
	void saveWhenAnotherWriterChangedTheSessionMeanwhileThenKeepsTheirChangeAndAddsOurs() {
		String id = signedIn(this.repository).getId();
		StoredSession request = this.repository.findById(id).block();
		StoredSession refresh = this.repository.findById(id).block();
		LoginTokens refreshed = new LoginTokens("at-secret-2", Instant.ofEpochSecond(1_800_003_000),
				Instant.ofEpochSecond(1_800_006_600), Set.of("openid"), "rt-secret-2");
		refresh.setAttribute(LoginTokens.ATTRIBUTE, refreshed);
		this.repository.save(refresh).block();

		request.setAttribute("porter.csrf-token", "csrf-2");
		this.repository.save(request).block();

		StoredSession found = this.repository.findById(id).block();
		assertThat(found.<Object>getAttribute(LoginTokens.ATTRIBUTE)).isEqualTo(refreshed);
		assertThat(found.<String>getAttribute("porter.csrf-token")).isEqualTo("csrf-2");
		assertThat(request.<Object>getAttribute(LoginTokens.ATTRIBUTE)).isEqualTo(refreshed);
	}

	// The refresh stores rotated tokens through update(): dropping that write silently
	// after the compare-and-set lost to other writers every time lost the new refresh
	// token, and the next refresh presented the used one (the IdP's reuse detection ends
	// the session). The caller must learn the write did not land, and retries it.
	@Test
	void updateWhenAnotherWriterWinsEveryCompareAndSetThenFailsInsteadOfDroppingTheChange() {
		String id = signedIn(this.repository).getId();
		EncryptedRedisSessionRepository rival = repository(this.k1);
		EncryptedRedisSessionRepository contended = repository(this.k1, Clock.systemUTC(),
				new RivalBeforeEachScript(rival, id));
		LoginTokens refreshed = new LoginTokens("at-secret-2", Instant.ofEpochSecond(1_800_003_000),
				Instant.ofEpochSecond(1_800_006_600), Set.of("openid"), "rt-secret-2");

		assertThatExceptionOfType(SessionWriteContended.class).isThrownBy(() -> contended
			.update(id, Instant.MIN, (stored) -> stored.setAttribute(LoginTokens.ATTRIBUTE, refreshed))
			.block());

		StoredSession afterwards = this.repository.findCurrent(id, Instant.MIN).block();
		assertThat(afterwards.<Object>getAttribute("porter.rival-writes")).as("the rival wrote each time").isNotNull();
		assertThat(this.repository
			.update(id, Instant.MIN, (stored) -> stored.setAttribute(LoginTokens.ATTRIBUTE, refreshed))
			.then(this.repository.findCurrent(id, Instant.MIN))
			.block()
			.<Object>getAttribute(LoginTokens.ATTRIBUTE)).as("a retry once the contention ends lands")
			.isEqualTo(refreshed);
	}

	@Test
	void saveWhenSessionEndedMeanwhileThenNotBroughtBack() {
		String id = signedIn(this.repository).getId();
		StoredSession request = this.repository.findById(id).block();
		this.repository.deleteById(id).block();

		request.setAttribute("porter.csrf-token", "csrf-2");
		this.repository.save(request).block();

		assertThat(redis.template().hasKey(EncryptedRedisSessionRepository.key(id)).block()).isFalse();
	}

	@Test
	void saveWhenIdChangedThenOnlyTheNewIdFindsTheSession() {
		String id = signedIn(this.repository).getId();
		StoredSession session = this.repository.findById(id).block();

		String newId = session.changeSessionId();
		this.repository.save(session).block();

		assertThat(this.repository.findById(id).blockOptional()).isEmpty();
		assertThat(this.repository.findById(newId).block().<Object>getAttribute(LoginTokens.ATTRIBUTE))
			.isEqualTo(TOKENS);
	}

	@Test
	void findWhenKeysRotatedThenOldSessionsReadUntilTheirKeyLeavesTheRing() {
		String old = signedIn(this.repository).getId();
		EncryptedRedisSessionRepository rotated = repository(this.k2 + "," + this.k1);

		StoredSession found = rotated.findById(old).block();
		assertThat(found.<Object>getAttribute(LoginTokens.ATTRIBUTE)).isEqualTo(TOKENS);
		String fresh = signedIn(rotated).getId();
		assertThat(KeyRing.parse(this.k2, "KEYS").knowsKeyOf(stored(fresh))).isTrue();
		assertThat(KeyRing.parse(this.k2, "KEYS").knowsKeyOf(stored(old))).isFalse();

		EncryptedRedisSessionRepository k2Only = repository(this.k2);
		assertThat(k2Only.findById(old).blockOptional()).isEmpty();
		assertThat(k2Only.findById(fresh).blockOptional()).isPresent();
	}

	@Test
	void findWhenValueCopiedUnderAnotherIdThenNoSession() {
		String id = signedIn(this.repository).getId();
		bytes().opsForValue().set(EncryptedRedisSessionRepository.key("forged"), stored(id)).block();

		assertThat(this.repository.findById("forged").blockOptional()).isEmpty();
	}

	@Test
	void findWhenValueUnchangedThenNotOpenedAgainButEachRequestGetsItsOwnSession() {
		String id = signedIn(this.repository).getId();
		StoredSession first = this.repository.findById(id).block();
		StoredSession second = this.repository.findById(id).block();

		// The same decoded (immutable) tokens: the same bytes were not opened a second
		// time.
		assertThat(second.<Object>getAttribute(LoginTokens.ATTRIBUTE))
			.isSameAs(first.getAttribute(LoginTokens.ATTRIBUTE));
		assertThat(second).isNotSameAs(first);
		first.setAttribute("porter.csrf-token", "csrf-first");
		first.setLastAccessedTime(first.getLastAccessedTime().plusSeconds(5));
		assertThat(this.repository.findById(id).block().<Object>getAttribute("porter.csrf-token")).isNull();
		assertThat(second.<Object>getAttribute("porter.csrf-token")).isNull();
		assertThat(this.repository.findById(id).block().getLastAccessedTime()).isEqualTo(second.getLastAccessedTime());
	}

	@Test
	void findWhenAnotherInstanceEndedTheSessionThenGoneHereAtOnceThoughReadBefore() {
		EncryptedRedisSessionRepository other = repository(this.k1);
		String id = signedIn(this.repository).getId();
		assertThat(this.repository.findById(id).blockOptional()).isPresent();
		assertThat(other.findById(id).blockOptional()).isPresent();

		other.deleteById(id).block();

		assertThat(this.repository.findById(id).blockOptional()).isEmpty();
	}

	@Test
	void findWhenAnotherInstanceChangedTheSessionThenItsChangeSeenHereAtOnceThoughReadBefore() {
		EncryptedRedisSessionRepository other = repository(this.k1);
		String id = signedIn(this.repository).getId();
		assertThat(this.repository.findById(id).block().<Object>getAttribute(LoginTokens.ATTRIBUTE)).isEqualTo(TOKENS);
		StoredSession there = other.findById(id).block();
		LoginTokens refreshed = new LoginTokens("at-secret-2", Instant.ofEpochSecond(1_800_003_000),
				Instant.ofEpochSecond(1_800_006_600), Set.of("openid"), "rt-secret-2");
		there.setAttribute(LoginTokens.ATTRIBUTE, refreshed);
		other.save(there).block();

		assertThat(this.repository.findById(id).block().<Object>getAttribute(LoginTokens.ATTRIBUTE))
			.isEqualTo(refreshed);
	}

	@Test
	void findWhenValueReplacedByOneThatDoesNotAuthenticateThenNoSessionThoughTheGoodOneWasReadBefore() {
		String id = signedIn(this.repository).getId();
		assertThat(this.repository.findById(id).blockOptional()).isPresent();
		byte[] tampered = stored(id);
		tampered[tampered.length - 1] ^= 1;

		bytes().opsForValue().set(EncryptedRedisSessionRepository.key(id), tampered).block();

		assertThat(this.repository.findById(id).blockOptional()).isEmpty();
	}

	@Test
	void saveWhenTokensOfAuth0SizesThenTheSessionFitsTheBudget() {
		StoredSession session = this.repository.createSession().block();
		session.setAttribute(LoginTokens.ATTRIBUTE,
				new LoginTokens(jwtOfLength(1_400), Instant.now(), Instant.now().plusSeconds(86_400),
						Set.of("openid", "profile", "email", "offline_access"), "v1.M" + "x".repeat(126)));
		session.setAttribute(LoginUser.ATTRIBUTE,
				new LoginUser("google-oauth2|104598234567890123456", "sid-" + "s".repeat(28), "Alice Example",
						"alice@example.com", "https://lh3.googleusercontent.com/a/" + "p".repeat(80),
						jwtOfLength(1_300), Instant.now(), Instant.now().plusSeconds(36_000)));
		session.setAttribute(SessionAttributes.AUTHENTICATED_AT, System.currentTimeMillis());
		session.setAttribute("porter.csrf-token", "c".repeat(43));
		this.repository.save(session).block();

		long bytes = redis.template()
			.execute(RedisScript.of("return redis.call('MEMORY', 'USAGE', KEYS[1], 'SAMPLES', '0')", Long.class),
					List.of(EncryptedRedisSessionRepository.key(session.getId())))
			.blockFirst();
		assertThat(bytes).as("bytes in Redis").isLessThanOrEqualTo(BUDGET_BYTES);
	}

	/** As long as the tokens Auth0 issues (RS256 JWTs with a handful of claims). */
	private static String jwtOfLength(int length) {
		String header = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Im15LWtleSJ9.";
		return header + "a".repeat(length - header.length() - 343) + "." + "b".repeat(342);
	}

	/**
	 * Spring's session manager asks a session whether it has expired before saving it at
	 * the end of a request: the answer must come from the gateway's clock, as every other
	 * expiry decision does, not from the wall clock.
	 */
	@Test
	void isExpiredWhenAskedThenByTheGatewaysClock() {
		MovableClock clock = new MovableClock(Instant.parse("2026-01-05T09:00:00Z"));
		EncryptedRedisSessionRepository repository = repository(this.k1, clock);
		StoredSession created = signedIn(repository);
		StoredSession found = repository.findById(created.getId()).block();

		assertThat(created.isExpired()).isFalse();
		assertThat(found.isExpired()).isFalse();
		clock.advance(IDLE);
		assertThat(created.isExpired()).isTrue();
		assertThat(found.isExpired()).isTrue();
	}

	private static StoredSession signedIn(EncryptedRedisSessionRepository repository) {
		StoredSession session = repository.createSession().block();
		session.setAttribute(LoginTokens.ATTRIBUTE, TOKENS);
		session.setAttribute(SessionAttributes.AUTHENTICATED_AT, 1_800_000_000_000L);
		repository.save(session).block();
		return session;
	}

	private static byte[] stored(String id) {
		return bytes().opsForValue().get(EncryptedRedisSessionRepository.key(id)).block();
	}

	private static ReactiveRedisTemplate<String, byte[]> bytes() {
		return new ReactiveRedisTemplate<>(redis.connectionFactory(),
				RedisSerializationContext.<String, byte[]>newSerializationContext(RedisSerializer.string())
					.value(RedisSerializer.byteArray())
					.build());
	}

	private static EncryptedRedisSessionRepository repository(String keys) {
		return repository(keys, Clock.systemUTC());
	}

	private static EncryptedRedisSessionRepository repository(String keys, Clock clock) {
		return repository(keys, clock, bytes());
	}

	private static EncryptedRedisSessionRepository repository(String keys, Clock clock,
			ReactiveRedisTemplate<String, byte[]> template) {
		return repository(keys, IDLE, clock, template);
	}

	/** An instance whose {@code SESSION_IDLE_TIMEOUT} is {@code idle}. */
	private static EncryptedRedisSessionRepository repository(String keys, Duration idle, Clock clock) {
		return repository(keys, idle, clock, bytes());
	}

	private static EncryptedRedisSessionRepository repository(String keys, Duration idle, Clock clock,
			ReactiveRedisTemplate<String, byte[]> template) {
		SessionCodec codec = new SessionCodec(KeyRing.parse(keys, "KEYS"), idle, clock);
		// Its tracking never started: every read goes to Redis (SessionNearCacheTests).
		SessionNearCache kept = new SessionNearCache(codec, redis.keyTracking(System::nanoTime, Duration.ofHours(1)),
				System::nanoTime);
		return new EncryptedRedisSessionRepository(template, codec, kept, new LoweredIdleTimeout(template, kept), idle,
				clock);
	}

	/** Redis times out every compare-and-set; reads are answered. */
	private static final class TimingOutScripts extends ReactiveRedisTemplate<String, byte[]> {

		TimingOutScripts() {
			super(redis.connectionFactory(),
					RedisSerializationContext.<String, byte[]>newSerializationContext(RedisSerializer.string())
						.value(RedisSerializer.byteArray())
						.build());
		}

		@Override
		public <T> Flux<T> execute(RedisScript<T> script, List<String> keys, List<?> args) {
			return Flux.error(new QueryTimeoutException("Redis command timed out"));
		}

	}

	/**
	 * Another instance changes the session between each read and compare-and-set of the
	 * repository using this template.
	 */
	private static final class RivalBeforeEachScript extends ReactiveRedisTemplate<String, byte[]> {

		private final EncryptedRedisSessionRepository rival;

		private final String id;

		private final AtomicInteger writes = new AtomicInteger();

		RivalBeforeEachScript(EncryptedRedisSessionRepository rival, String id) {
			super(redis.connectionFactory(),
					RedisSerializationContext.<String, byte[]>newSerializationContext(RedisSerializer.string())
						.value(RedisSerializer.byteArray())
						.build());
			this.rival = rival;
			this.id = id;
		}

		@Override
		public <T> Flux<T> execute(RedisScript<T> script, List<String> keys, List<?> args) {
			return this.rival
				.update(this.id, Instant.MIN,
						(stored) -> stored.setAttribute("porter.rival-writes", this.writes.incrementAndGet()))
				.thenMany(super.execute(script, keys, args));
		}

	}

}
