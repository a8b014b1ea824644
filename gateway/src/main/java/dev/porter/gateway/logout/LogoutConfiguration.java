package dev.porter.gateway.logout;

import java.time.Clock;

import dev.porter.gateway.bff.BffProperties;
import dev.porter.gateway.oidc.OidcProperties;
import dev.porter.gateway.oidc.TokenRevoker;
import dev.porter.gateway.redis.RedisEnabled;
import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.session.StoredSessions;
import dev.porter.gateway.session.ToTheEnd;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
class LogoutConfiguration {

	/** Logout tokens already acted on: per process without Redis. */
	@Bean
	@Conditional(RedisEnabled.Not.class)
	SeenLogoutTokens seenLogoutTokens(ObjectProvider<Clock> clock) {
		return new InMemorySeenLogoutTokens(clock.getIfAvailable(Clock::systemUTC));
	}

	/** Shared by every instance with Redis, so a token replayed to another is refused. */
	@Bean
	@Conditional(RedisEnabled.class)
	SeenLogoutTokens redisSeenLogoutTokens(ReactiveStringRedisTemplate redis, ObjectProvider<Clock> clock) {
		return new RedisSeenLogoutTokens(redis, clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	LogoutSecurity logoutSecurity(StoredSessions stored, SessionRegistry registry,
			DiscoveredClientRegistrationRepository registrations, OidcProperties oidc, BffProperties bff,
			TokenRevoker revoker, JsonMapper jsonMapper, LogoutProperties logout, SessionDirectory directory,
			ToTheEnd toTheEnd) {
		BffLogoutHandler handler = new BffLogoutHandler(stored, registrations, revoker, registry, directory, toTheEnd);
		BffLogoutSuccessHandler success = new BffLogoutSuccessHandler(registrations,
				new IdpLogoutUrls(oidc, bff, logout), jsonMapper);
		return new LogoutSecurity(handler, success);
	}

}
