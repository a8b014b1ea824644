package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;

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
		assertThat(this.template.hasKey("porter:sessions:entry:" + sessionId).block()).isFalse();
		assertThat(this.template.opsForSet().isMember("porter:sessions:user:auth0|alice", sessionId).block()).isFalse();
	}

	@Test
	void recordThenEntryExpiresAfterIdleTimeoutAndTouchIntervalAndUserSetAfterAbsoluteLifetime() {
		record(entry("laptop", "auth0|alice", "Laptop/1.0"));

		assertThat(ttl("porter:sessions:entry:laptop")).isBetween(Duration.ofMinutes(30), Duration.ofMinutes(31));
		assertThat(ttl("porter:sessions:user:auth0|alice")).isBetween(Duration.ofHours(11), Duration.ofHours(12));
		assertThat(this.template.keys("porter:sessions:*").collectList().block()).hasSize(2);
	}

	@Test
	void seenWhenSessionOldThenEntryExpiryCappedByAbsoluteLifetime() {
		Instant created = Instant.now().minus(Duration.ofHours(12)).plus(Duration.ofMinutes(10));
		record(new DirectoryEntry("laptop", null, "auth0|alice", created, Instant.now(), null));
		this.template.expire("porter:sessions:entry:laptop", Duration.ofHours(2)).block();

		this.directory.seen("laptop", Instant.now()).block();

		assertThat(ttl("porter:sessions:entry:laptop")).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
	}

	@Test
	void entriesOfWhenEntryExpiredThenIdLeavesUsersSet() {
		record(entry("laptop", "auth0|alice", "Laptop/1.0"), entry("phone", "auth0|alice", "Phone/2.0"));
		this.template.delete("porter:sessions:entry:phone").block();

		assertThat(this.directory.entriesOf("auth0|alice").map(DirectoryEntry::sessionId).collectList().block())
			.containsExactly("laptop");
		assertThat(this.template.opsForSet().members("porter:sessions:user:auth0|alice").collectList().block())
			.containsExactly("laptop");
	}

	private Duration ttl(String key) {
		return this.template.getExpire(key).block();
	}

}
