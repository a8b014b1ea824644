package dev.porter.gateway.routing;

import java.time.Clock;

import dev.porter.gateway.redis.RedisEnabled;
import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.token.TokenRelayFilter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The one route: {@code /me} and {@code /me/**} to profile-service, with a per-user rate
 * limit, a check that the body is whole and of a type the route takes, the token relay
 * (which also strips the browser's cookies) and a circuit breaker, in that order, and
 * small answers written back in one piece.
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
						.filters((filters) -> filters.filter(new WholeResponseFilter())
							.filter(rateLimit)
							.filter(new RelayBodyFilter())
							.filter(tokenRelay)
							.filter(circuitBreaker))
						.uri(properties.profileServiceUri()))
			.build();
	}

	/**
	 * The relay's timeouts are set on the gateway's HTTP client. Set as route metadata,
	 * Spring Cloud Gateway applies them per request: it copies the client's configuration
	 * to set the connect timeout, and wraps each response in Reactor's {@code timeout}
	 * operator, which schedules and cancels a task on a separate timer thread. On the
	 * client, Netty enforces both on the connection's own event loop.
	 */
	@Bean
	HttpClientCustomizer relayTimeouts(RelayProperties properties) {
		return (client) -> client
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(properties.connectTimeout().toMillis()))
			.responseTimeout(properties.responseTimeout());
	}

	@Bean
	RateLimitFilter rateLimitFilter(ObjectProvider<UserRateLimiter> limiter, RelayProperties properties,
			ProblemWriter problems, ObjectProvider<Clock> clock) {
		UserRateLimiter chosen = limiter.getIfAvailable(() -> new InMemoryRateLimiter(properties.rateLimit(),
				properties.rateLimitPeriod(), clock.getIfAvailable(Clock::systemUTC)));
		return new RateLimitFilter(chosen, problems);
	}

	@Bean
	@Conditional(RedisEnabled.class)
	UserRateLimiter porterRedisRateLimiter(ReactiveStringRedisTemplate redis, RelayProperties properties,
			ObjectProvider<Clock> clock) {
		return new RedisRateLimiter(redis, properties.rateLimit(), properties.rateLimitPeriod(),
				clock.getIfAvailable(Clock::systemUTC));
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
