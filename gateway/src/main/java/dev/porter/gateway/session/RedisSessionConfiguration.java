package dev.porter.gateway.session;

import java.time.Clock;

import dev.porter.gateway.redis.RedisEnabled;
import dev.porter.gateway.redis.RedisKeyTracking;
import dev.porter.gateway.crypto.KeyRing;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.web.server.session.SpringSessionWebSessionStore;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.WebSessionIdResolver;
import org.springframework.web.server.session.WebSessionManager;
import org.springframework.util.StringUtils;

/**
 * With {@code REDIS_URL}: sessions in Redis, encrypted with the key ring
 * {@code SESSION_ENCRYPTION_KEYS}, which is then required (any instance must read any
 * session, so all share the keys). Spring Session's WebSession adapter serves them to
 * WebFlux, under a manager of ours (as in memory) that gives it the cookie resolver and
 * the gateway's clock. The same values are found by key ({@link StoredSessions}) for
 * ending a session from outside its requests.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(RedisEnabled.class)
class RedisSessionConfiguration {

	static final String KEYS_VARIABLE = "SESSION_ENCRYPTION_KEYS";

	/**
	 * The issuer is read as a property: the session store needs no more of the IdP's
	 * settings than where it is ({@code oidc.LoopbackIssuers}).
	 */
	@Bean
	SessionCodec sessionCodec(SessionProperties properties, @Value("${porter.oidc.issuer-uri:}") String issuer,
			ObjectProvider<Clock> clock) {
		if (!StringUtils.hasText(properties.encryptionKeys())) {
			throw new IllegalStateException("set " + KEYS_VARIABLE
					+ " (comma-separated base64 AES-256 keys, newest first; required with REDIS_URL)");
		}
		PublishedSessionKeys.check(properties.encryptionKeys(), KEYS_VARIABLE, issuer);
		return new SessionCodec(KeyRing.parse(properties.encryptionKeys(), KEYS_VARIABLE), properties.idleTimeout(),
				clock.getIfAvailable(Clock::systemUTC));
	}

	/**
	 * Replaces {@code @EnableSpringWebSession}'s manager, whose store dates each
	 * request's last access on the system clock while the repository judges the idle
	 * timeout on the gateway's: on a clock behind the system's, a session never idled
	 * out.
	 */
	@Bean(WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME)
	WebSessionManager webSessionManager(WebSessionIdResolver resolver, EncryptedRedisSessionRepository repository,
			ObjectProvider<Clock> clock) {
		SpringSessionWebSessionStore<StoredSession> store = new SpringSessionWebSessionStore<>(repository);
		store.setClock(clock.getIfAvailable(Clock::systemUTC));
		DefaultWebSessionManager manager = new DefaultWebSessionManager();
		manager.setSessionIdResolver(resolver);
		manager.setSessionStore(store);
		return manager;
	}

	@Bean
	SessionNearCache sessionNearCache(SessionCodec codec, RedisKeyTracking tracking) {
		return new SessionNearCache(codec, tracking, System::nanoTime);
	}

	/** Shared by the repository and the sessions found by key: both read sessions. */
	@Bean
	LoweredIdleTimeout loweredIdleTimeout(ReactiveRedisConnectionFactory connections, SessionNearCache kept) {
		return new LoweredIdleTimeout(sessionValues(connections), kept);
	}

	@Bean
	EncryptedRedisSessionRepository sessionRepository(ReactiveRedisConnectionFactory connections, SessionCodec codec,
			SessionNearCache kept, LoweredIdleTimeout loweredIdleTimeout, SessionProperties properties,
			ObjectProvider<Clock> clock) {
		return new EncryptedRedisSessionRepository(sessionValues(connections), codec, kept, loweredIdleTimeout,
				properties.idleTimeout(), clock.getIfAvailable(Clock::systemUTC));
	}

	/** The same values as the repository's, found by key. */
	@Bean
	StoredSessions redisStoredSessions(ReactiveRedisConnectionFactory connections, SessionCodec codec,
			SessionNearCache kept, LoweredIdleTimeout loweredIdleTimeout, ObjectProvider<Clock> clock) {
		return new RedisStoredSessions(sessionValues(connections), codec, kept, loweredIdleTimeout,
				clock.getIfAvailable(Clock::systemUTC));
	}

	private static ReactiveRedisTemplate<String, byte[]> sessionValues(ReactiveRedisConnectionFactory connections) {
		RedisSerializationContext<String, byte[]> serialization = RedisSerializationContext
			.<String, byte[]>newSerializationContext(RedisSerializer.string())
			.value(RedisSerializer.byteArray())
			.build();
		return new ReactiveRedisTemplate<>(connections, serialization);
	}

}
