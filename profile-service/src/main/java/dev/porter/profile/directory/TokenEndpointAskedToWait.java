package dev.porter.profile.directory;

import dev.porter.common.RateLimitHeaders;
import java.time.Clock;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * A 429 or 503 of the directory's token endpoint that named how long to wait
 * ({@code Retry-After}, else Auth0's {@code X-RateLimit-Reset}:
 * {@link RateLimitHeaders}). Spring Security's token client makes its exception from the
 * answer's body alone, and the wait would be lost: {@link #filter} ends such an answer
 * with this exception, carrying the wait, before that client reads it. An answer that
 * names no wait goes on to that client as before.
 */
final class TokenEndpointAskedToWait extends RuntimeException {

	private final Duration wait;

	private TokenEndpointAskedToWait(int status, Duration wait) {
		super("status " + status + ", asked to wait " + wait, null, false, false);
		this.wait = wait;
	}

	/** For the token client's {@code WebClient}: reads the wait off its answers. */
	static ExchangeFilterFunction filter(Clock clock) {
		return ExchangeFilterFunction.ofResponseProcessor((response) -> {
			int status = response.statusCode().value();
			boolean mayCarryWait = status == HttpStatus.TOO_MANY_REQUESTS.value()
					|| status == HttpStatus.SERVICE_UNAVAILABLE.value();
			Duration wait = mayCarryWait
					? RateLimitHeaders.waitFrom(response.headers().asHttpHeaders()::getFirst, clock) : null;
			return (wait != null) ? response.releaseBody().then(Mono.error(new TokenEndpointAskedToWait(status, wait)))
					: Mono.just(response);
		});
	}

	/** The wait that {@code ex}, or what caused it, names; null when none. */
	static @Nullable Duration waitOf(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof TokenEndpointAskedToWait asked) {
				return asked.wait;
			}
		}
		return null;
	}

}
