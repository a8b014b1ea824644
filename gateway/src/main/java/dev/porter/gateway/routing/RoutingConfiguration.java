package dev.porter.gateway.routing;

import java.time.Clock;
import java.util.List;

import dev.porter.gateway.redis.RedisEnabled;
import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.token.TokenRelayFilter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The relay: {@code /me} and {@code /me/**} to profile-service, with a per-user rate
 * limit, a check that the body is whole and of a type the route takes, the token relay
 * (which also strips the browser's cookies) and a circuit breaker, in that order, and
 * small answers written back in one piece.
 */
@Configuration(proxyBeanMethods = false)
class RoutingConfiguration {

	static final String UPSTREAM = "profile-service";

	/**
	 * The relay's own handler, which the server's filter chain ends in for the relayed
	 * paths, instead of WebFlux's dispatcher and Spring Cloud Gateway's route lookup; the
	 * client is Spring Cloud Gateway's, with its pool settings and
	 * {@link #relayTimeouts}.
	 */
	@Bean
	RelayHandler relayHandler(HttpClient client, RelayProperties properties, RateLimitFilter rateLimit,
			TokenRelayFilter tokenRelay, CircuitBreakerFilter circuitBreaker) {
		List<GatewayFilter> filters = List.of(new WholeResponseFilter(), rateLimit, new RelayBodyFilter(), tokenRelay,
				circuitBreaker);
		return new RelayHandler(filters, new UpstreamCall(client, properties.profileServiceUri()),
				circuitBreaker::bodyLost, tokenRelay);
	}

	/**
	 * The dispatcher's way to the same relay, for handlers assembled without the
	 * shortcut.
	 */
	@Bean
	RelayHandlerMapping relayHandlerMapping(RelayHandler relay) {
		return new RelayHandlerMapping(relay);
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
	RateLimitFilter rateLimitFilter(UserRateLimiter limiter, ProblemWriter problems) {
		return new RateLimitFilter(limiter, problems);
	}

	/**
	 * The per-user budget ({@code RATE_LIMIT}), spent by the relay and by
	 * {@code /bff/sessions}: in memory without Redis, shared through Redis otherwise.
	 */
	@Bean
	@Conditional(RedisEnabled.Not.class)
	UserRateLimiter porterInMemoryRateLimiter(RelayProperties properties, ObjectProvider<Clock> clock) {
		return new InMemoryRateLimiter(properties.rateLimit(), properties.rateLimitPeriod(),
				clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	@Conditional(RedisEnabled.class)
	UserRateLimiter porterRedisRateLimiter(ReactiveStringRedisTemplate redis, RelayProperties properties,
			ObjectProvider<Clock> clock) {
		return new RedisRateLimiter(redis, properties.rateLimit(), properties.rateLimitPeriod(),
				clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	CircuitBreakerFilter circuitBreakerFilter(RelayProperties properties, ProblemWriter problems, MeterRegistry meters,
			ObjectProvider<Clock> clocks) {
		Clock clock = clocks.getIfAvailable(Clock::systemUTC);
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.clock(clock)
			.failureRateThreshold(properties.breakerFailureRate())
			.slidingWindowSize(properties.breakerWindow())
			.minimumNumberOfCalls(properties.breakerMinimumCalls())
			.waitDurationInOpenState(properties.breakerOpenFor())
			.build();
		CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config);
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
		CircuitBreaker breaker = registry.circuitBreaker(UPSTREAM);
		return new CircuitBreakerFilter(breaker, problems, properties.retryAfter(), meters, clock);
	}

}
