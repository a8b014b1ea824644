package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import dev.porter.gateway.support.RedisMonitor;
import dev.porter.gateway.support.RedisTemplateExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared directory against a real {@code redis-server}: its keys expire with the
 * sessions they describe (an entry one idle timeout plus one touch interval after its
 * last use, never after the absolute lifetime; a user's set one absolute lifetime after
 * the latest login), and reading a user's set drops the ids whose entry expired.
 */
class RedisSessionDirectoryTests extends SessionDirectoryContract {

	@RegisterExtension
	static final RedisTemplateExtension redis = new RedisTemplateExtension();

	private ReactiveStringRedisTemplate template;

	private RedisSessionDirectory directory;

	@BeforeEach
	void emptyRedis() {
		this.template = redis.template();
		this.template.execute((connection) -> connection.serverCommands().flushAll()).blockLast();
		this.directory = new RedisSessionDirectory(this.template, RETENTION);
	}

	@Override
	SessionDirectory directory() {
		return this.directory;
	}

	@Override
	Instant now() {
		return Instant.now();
	}

	@Override
	void assertNoEntryFor(String sessionId) {
		assertThat(this.template.hasKey(entryKey(sessionId)).block()).isFalse();
		assertThat(this.template.opsForSet()
			.isMember("porter:sessions:user:auth0|alice", SessionKey.of(sessionId).value())
			.block()).isFalse();
	}

	@Test
	void recordThenEntryExpiresAfterIdleTimeoutAndTouchIntervalAndUserSetAfterAbsoluteLifetime() {
		record(entry("laptop", "auth0|alice", "Laptop/1.0"));

		assertThat(ttl(entryKey("laptop"))).isBetween(Duration.ofMinutes(30), Duration.ofMinutes(31));
		assertThat(ttl("porter:sessions:user:auth0|alice")).isBetween(Duration.ofHours(11), Duration.ofHours(12));
		assertThat(this.template.keys("porter:sessions:*").collectList().block()).hasSize(2);
	}

	@Test
	void seenWhenSessionOldThenEntryExpiryCappedByAbsoluteLifetime() {
		Instant created = Instant.now().minus(Duration.ofHours(12)).plus(Duration.ofMinutes(10));
		record(new DirectoryEntry(SessionKey.of("laptop"), null, "auth0|alice", created, Instant.now(), null));
		this.template.expire(entryKey("laptop"), Duration.ofHours(2)).block();

		this.directory.seen(SessionKey.of("laptop"), Instant.now()).block();

		assertThat(ttl(entryKey("laptop"))).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
	}

	@Test
	void entriesOfWhenEntryExpiredThenKeyLeavesUsersSet() {
		record(entry("laptop", "auth0|alice", "Laptop/1.0"), entry("phone", "auth0|alice", "Phone/2.0"));
		this.template.delete(entryKey("phone")).block();

		assertThat(this.directory.entriesOf("auth0|alice").map(DirectoryEntry::key).collectList().block())
			.containsExactly(SessionKey.of("laptop"));
		assertThat(this.template.opsForSet().members("porter:sessions:user:auth0|alice").collectList().block())
			.containsExactly(SessionKey.of("laptop").value());
	}

	/**
	 * One command from the gateway, which Redis runs whole: a connection lost or a
	 * command timed out part way through would otherwise leave an entry or a user's set
	 * without expiry, or an entry its user's set does not name.
	 */
	@Test
	void recordThenEntryAndUsersSetWrittenByOneCommandSoNoneIsLeftWithoutExpiry() throws Exception {
		try (RedisMonitor monitor = RedisMonitor.attach(redis.server())) {
			record(entry("laptop", "auth0|alice", "Laptop/1.0"));

			List<String> fromGateway = monitor.commands().stream().filter((line) -> !line.contains(" lua] ")).toList();
			// EVAL after EVALSHA when Redis does not know the script yet.
			assertThat(fromGateway).isNotEmpty()
				.allSatisfy((line) -> assertThat(line.toLowerCase(Locale.ROOT)).containsPattern("\"evalsha?\""));
		}
		assertThat(ttl(entryKey("laptop"))).isPositive();
		assertThat(ttl("porter:sessions:user:auth0|alice")).isPositive();
	}

	@Test
	void recordThenNeitherKeyNamesNorValuesHoldTheSessionId() {
		String sessionId = UUID.randomUUID().toString();

		Instant now = Instant.now();
		record(new DirectoryEntry(SessionKey.of(sessionId), "sid-of-the-idp", "auth0|alice", now, now, "Laptop/1.0"));

		assertThat(this.template.keys("porter:sessions:*").collectList().block())
			.containsExactlyInAnyOrder(entryKey(sessionId), "porter:sessions:user:auth0|alice")
			.noneMatch((key) -> key.contains(sessionId));
		assertThat(this.template.opsForSet().members("porter:sessions:user:auth0|alice").collectList().block())
			.containsExactly(SessionKey.of(sessionId).value());
		assertThat(this.template.<String, String>opsForHash().values(entryKey(sessionId)).collectList().block())
			.noneMatch((value) -> value.contains(sessionId));
	}

	@Test
	void entriesOfWhenUsersSetHoldsAnIdAnEarlierVersionStoredThenSkippedAndRemoved() {
		record(entry("laptop", "auth0|alice", "Laptop/1.0"));
		String earlierId = UUID.randomUUID().toString();
		this.template.opsForSet().add("porter:sessions:user:auth0|alice", earlierId).block();

		assertThat(this.directory.entriesOf("auth0|alice").map(DirectoryEntry::key).collectList().block())
			.containsExactly(SessionKey.of("laptop"));
		assertThat(this.template.opsForSet().members("porter:sessions:user:auth0|alice").collectList().block())
			.containsExactly(SessionKey.of("laptop").value());
	}

	private static String entryKey(String sessionId) {
		return "porter:sessions:entry:" + SessionKey.of(sessionId).value();
	}

	private Duration ttl(String key) {
		return this.template.getExpire(key).block();
	}

}
