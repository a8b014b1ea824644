package dev.porter.gateway.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.porter.gateway.crypto.KeyRing;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.protocol.CommandType;
import dev.porter.gateway.redis.RedisKeyTracking;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.RedisTemplateExtension;
import dev.porter.gateway.support.TestSessionKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisStoredSessions} against a real {@code redis-server}: the sessions
 * {@link EncryptedRedisSessionRepository} stores, read and ended knowing only their key,
 * as back-channel logout and {@code /bff/sessions} find them.
 */
class RedisStoredSessionsTests {

	@RegisterExtension
	static final RedisTemplateExtension redis = new RedisTemplateExtension();

	private static final Duration IDLE = Duration.ofMinutes(30);

	private final MovableClock clock = new MovableClock(Instant.now());

	private final String keys = TestSessionKeys.newKey();

	private final SessionCodec codec = new SessionCodec(KeyRing.parse(this.keys, "KEYS"), IDLE, this.clock);

	private final RedisKeyTracking tracking = redis.keyTracking(this.clock::nanoTime, Duration.ofHours(1));

	private final SessionNearCache kept = new SessionNearCache(this.codec, this.tracking, this.clock::nanoTime);

	private final LoweredIdleTimeout loweredIdleTimeout = new LoweredIdleTimeout(bytes(), this.kept);

	private final EncryptedRedisSessionRepository repository = new EncryptedRedisSessionRepository(bytes(), this.codec,
			this.kept, this.loweredIdleTimeout, IDLE, this.clock);

	private final RedisStoredSessions stored = new RedisStoredSessions(bytes(), this.codec, this.kept,
			this.loweredIdleTimeout, this.clock);

	@Test
	void refreshTokenWhenSessionSignedInThenReadByItsKeyAlone() {
		SessionKey key = SessionKey.of(signedIn().getId());

		assertThat(this.stored.isLive(key).block()).isTrue();
		assertThat(this.stored.refreshToken(key).map(OAuth2RefreshToken::getTokenValue).block())
			.isEqualTo("rt-secret-1");
	}

	/**
	 * What a login that replaced the session needs to end it like any other: who signed
	 * in (to forget it under its {@code sid} and {@code sub}).
	 */
	@Test
	void loginUserWhenSessionSignedInThenReadByItsKeyAloneAndGoneWithTheSession() {
		StoredSession session = signedIn();
		session.setAttribute(LoginUser.ATTRIBUTE,
				new LoginUser("auth0|alice", "sid-1", null, null, null, "id-token", null, null));
		this.repository.save(session).block();
		SessionKey key = SessionKey.of(session.getId());

		assertThat(this.stored.loginUser(key).map(LoginUser::sid).block()).isEqualTo("sid-1");
		this.stored.endReplaced(key).block();

		assertThat(this.stored.loginUser(key).blockOptional()).isEmpty();
	}

	@Test
	void endThenTheRepositoryNoLongerFindsTheSession() {
		StoredSession session = signedIn();
		SessionKey key = SessionKey.of(session.getId());

		// The token taken with the session, for the ending to revoke.
		assertThat(this.stored.end(key).map(OAuth2RefreshToken::getTokenValue).block()).isEqualTo("rt-secret-1");

		assertThat(this.repository.findById(session.getId()).blockOptional()).isEmpty();
		assertThat(this.stored.isLive(key).block()).isFalse();
		assertThat(this.stored.refreshToken(key).blockOptional()).isEmpty();
	}

	/** The IdP does not know the session went idle: its token is still worth revoking. */
	@Test
	void endWhenIdleTimeoutPassedThenTheRefreshTokenIsTakenAllTheSame() {
		SessionKey key = SessionKey.of(signedIn().getId());
		this.clock.advance(IDLE);

		assertThat(this.stored.end(key).map(OAuth2RefreshToken::getTokenValue).block()).isEqualTo("rt-secret-1");
		assertThat(redis.template().hasKey(EncryptedRedisSessionRepository.key(key)).block()).isFalse();
	}

	/**
	 * Redis before 6.2 (still offered by managed services) has no {@code GETDEL}: shown
	 * here by a server that refuses it to the gateway's user.
	 */
	@Test
	void endWhenRedisHasNoGetdelThenTheSessionIsTakenAllTheSame() {
		SessionKey key = SessionKey.of(signedIn().getId());
		acl(AclSetuserArgs.Builder.removeCommand(CommandType.GETDEL));
		try {
			assertThat(this.stored.end(key).map(OAuth2RefreshToken::getTokenValue).block()).isEqualTo("rt-secret-1");
		}
		finally {
			acl(AclSetuserArgs.Builder.addCommand(CommandType.GETDEL));
		}

		assertThat(redis.template().hasKey(EncryptedRedisSessionRepository.key(key)).block()).isFalse();
	}

	private static void acl(AclSetuserArgs change) {
		String answer = RedisAdmin.call(redis.server().url(), (commands) -> commands.aclSetuser("default", change));
		assertThat(answer).isEqualTo("OK");
	}

	@Test
	void isLiveWhenIdleTimeoutPassedThenNotLiveAlthoughTheValueIsStillThere() {
		SessionKey key = SessionKey.of(signedIn().getId());

		this.clock.advance(IDLE);

		assertThat(this.stored.isLive(key).block()).isFalse();
		assertThat(redis.template().hasKey(EncryptedRedisSessionRepository.key(key)).block()).isTrue();
	}

	/**
	 * {@code SESSION_IDLE_TIMEOUT} lowered in a rolling restart: a session an instance on
	 * the longer old setting stored, idle since, is not live on this instance once this
	 * instance's idle timeout has passed (not listed in {@code /bff/sessions}, not
	 * counted against a user's limit), though its value, and so its refresh token for
	 * ending it, is still there.
	 */
	@Test
	void isLiveWhenStoredWithALongerIdleTimeoutThanThisInstancesAndThisOnePassedThenNotLive() {
		SessionCodec oldSetting = new SessionCodec(KeyRing.parse(this.keys, "KEYS"), Duration.ofHours(8), this.clock);
		SessionNearCache keptThere = new SessionNearCache(oldSetting,
				redis.keyTracking(this.clock::nanoTime, Duration.ofHours(1)), this.clock::nanoTime);
		EncryptedRedisSessionRepository beforeDeploy = new EncryptedRedisSessionRepository(bytes(), oldSetting,
				keptThere, new LoweredIdleTimeout(bytes(), keptThere), Duration.ofHours(8), this.clock);
		StoredSession session = signedIn(beforeDeploy);
		session.setAttribute(LoginUser.ATTRIBUTE,
				new LoginUser("auth0|alice", "sid-1", null, null, null, "id-token", null, null));
		beforeDeploy.save(session).block();
		SessionKey key = SessionKey.of(session.getId());

		this.clock.advance(IDLE);

		assertThat(this.stored.isLive(key).block()).isFalse();
		assertThat(this.stored.loginUser(key).blockOptional()).isEmpty();
		assertThat(this.stored.refreshToken(key).blockOptional()).isEmpty();
		assertThat(this.stored.end(key).map(OAuth2RefreshToken::getTokenValue).block()).isEqualTo("rt-secret-1");
	}

	@Test
	void refreshTokenWhenValueCopiedUnderAnotherKeyThenNothing() {
		SessionKey key = SessionKey.of(signedIn().getId());
		SessionKey other = SessionKey.of("other-session");
		byte[] value = bytes().opsForValue().get(EncryptedRedisSessionRepository.key(key)).block();
		bytes().opsForValue().set(EncryptedRedisSessionRepository.key(other), value).block();

		assertThat(this.stored.refreshToken(other).blockOptional()).isEmpty();
		assertThat(this.stored.isLive(other).block()).isFalse();
	}

	@Test
	void endWhenNoSuchSessionThenNothingHappens() {
		SessionKey key = SessionKey.of("never-stored");

		assertThat(this.stored.end(key).blockOptional()).isEmpty();

		assertThat(this.stored.isLive(key).block()).isFalse();
	}

	private StoredSession signedIn() {
		return signedIn(this.repository);
	}

	private static StoredSession signedIn(EncryptedRedisSessionRepository repository) {
		StoredSession session = repository.createSession().block();
		session.setAttribute(LoginTokens.ATTRIBUTE,
				new LoginTokens("at-secret-1", null, null, Set.of("openid"), "rt-secret-1"));
		repository.save(session).block();
		return session;
	}

	private static ReactiveRedisTemplate<String, byte[]> bytes() {
		return new ReactiveRedisTemplate<>(redis.connectionFactory(),
				RedisSerializationContext.<String, byte[]>newSerializationContext(RedisSerializer.string())
					.value(RedisSerializer.byteArray())
					.build());
	}

}
