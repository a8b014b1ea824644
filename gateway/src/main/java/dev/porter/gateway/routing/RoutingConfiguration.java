package dev.porter.gateway.routing;

import java.time.Clock;

import dev.porter.gateway.config.RedisEnabled;
import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.token.TokenRelayFilter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpHeaders;

import static org.springframework.cloud.gateway.support.RouteMetadataUtils.CONNECT_TIMEOUT_ATTR;
import static org.springframework.cloud.gateway.support.RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR;

/**
 * The one route: {@code /me} and {@code /me/**} to profile-service, with the browser's
 * cookies stripped, a per-user rate limit, the token relay and a circuit breaker, in that
 * order.
 */
@Configuration(proxyBeanMethods = false)
class RoutingConfiguration {

	static final String UPSTREAM = "profile-service";

	@Bean
	RouteLocator routes(RouteLocatorBuilder routes, RelayProperties properties, RateLimitFilter rateLimit,
			TokenRelayFilter tokenRelay, CircuitBreakerFilter circuitBreaker) {
		return routes.routes()
			.route(UPSTREAM,
					(route) -> route.path("/me", "/me/**")
						.filters((filters) -> filters.removeRequestHeader(HttpHeaders.COOKIE)
							.filter(rateLimit)
							.filter(tokenRelay)
							.filter(circuitBreaker))
						.metadata(CONNECT_TIMEOUT_ATTR, properties.connectTimeout().toMillis())
						.metadata(RESPONSE_TIMEOUT_ATTR, properties.responseTimeout().toMillis())
						.uri(properties.profileServiceUri()))
			.build();
	}

	@Bean
	RateLimitFilter rateLimitFilter(ObjectProvider<UserRateLimiter> limiter, RelayProperties properties,
			ProblemWriter problems) {
		UserRateLimiter chosen = limiter.getIfAvailable(
				() -> new InMemoryRateLimiter(properties.rateLimit(), properties.rateLimitPeriod(), Clock.systemUTC()));
		return new RateLimitFilter(chosen, problems);
	}

	@Bean
	@Conditional(RedisEnabled.class)
	UserRateLimiter porterRedisRateLimiter(ReactiveStringRedisTemplate redis, RelayProperties properties) {
		return new RedisRateLimiter(redis, properties.rateLimit(), properties.rateLimitPeriod(), Clock.systemUTC());
	}

	@Bean
	CircuitBreakerFilter circuitBreakerFilter(RelayProperties properties, ProblemWriter problems,
			MeterRegistry meters) {
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.failureRateThreshold(properties.breakerFailureRate())
			.slidingWindowSize(properties.breakerWindow())
			.minimumNumberOfCalls(properties.breakerMinimumCalls())
			.waitDurationInOpenState(properties.breakerOpenFor())
			.build();
		CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config);
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
		CircuitBreaker breaker = registry.circuitBreaker(UPSTREAM);
		return new CircuitBreakerFilter(breaker, problems, properties.retryAfter(), meters);
	}

}
