package dev.porter.gateway.logout;

import java.time.Clock;

import dev.porter.gateway.config.BffProperties;
import dev.porter.gateway.config.OidcProperties;
import dev.porter.gateway.config.RedisEnabled;
import dev.porter.gateway.login.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.session.SessionProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
class LogoutConfiguration {

	/**
	 * In memory without Redis; {@code RedisConfiguration} contributes the shared one
	 * otherwise.
	 */
	@Bean
	@Conditional(RedisEnabled.Not.class)
	SessionRegistry sessionRegistry(SessionProperties sessions) {
		return new InMemorySessionRegistry(sessions.absoluteLifetime());
	}

	@Bean
	@Conditional(RedisEnabled.class)
	SessionRegistry redisSessionRegistry(ReactiveStringRedisTemplate redis, SessionProperties sessions) {
		return new RedisSessionRegistry(redis, sessions.absoluteLifetime());
	}

	/** Logout tokens already acted on: per process without Redis. */
	@Bean
	@Conditional(RedisEnabled.Not.class)
	SeenLogoutTokens seenLogoutTokens() {
		return new InMemorySeenLogoutTokens(Clock.systemUTC());
	}

	/** Shared by every instance with Redis, so a token replayed to another is refused. */
	@Bean
	@Conditional(RedisEnabled.class)
	SeenLogoutTokens redisSeenLogoutTokens(ReactiveStringRedisTemplate redis) {
		return new RedisSeenLogoutTokens(redis, Clock.systemUTC());
	}

	@Bean
	TokenRevoker tokenRevoker(WebClient idpWebClient) {
		return new TokenRevoker(idpWebClient);
	}

	@Bean
	LogoutSecurity logoutSecurity(ServerOAuth2AuthorizedClientRepository authorizedClients, SessionRegistry registry,
			DiscoveredClientRegistrationRepository registrations, OidcProperties oidc, BffProperties bff,
			TokenRevoker revoker, JsonMapper jsonMapper, LogoutProperties logout) {
		BffLogoutHandler handler = new BffLogoutHandler(authorizedClients, revoker, registry);
		BffLogoutSuccessHandler success = new BffLogoutSuccessHandler(registrations,
				new IdpLogoutUrls(oidc, bff, logout), jsonMapper);
		return new LogoutSecurity(handler, success);
	}

}
