package dev.porter.gateway.problem;

import java.time.Clock;
import java.time.Duration;

import io.lettuce.core.RedisException;
import dev.porter.common.Causes;
import dev.porter.common.OncePerInterval;
import dev.porter.common.RedisRefusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.stereotype.Component;

/**
 * Recognises a failure of the shared store (Redis), wherever in the request it happened:
 * loading or saving the session, the rate limiter, the refresh lock, the logout registry.
 * Such a failure is the store's, not the caller's or a bug of ours, so it is answered
 * {@code 503} with {@code Retry-After}; and while Redis is down every request fails the
 * same way, so it is logged once per {@link #LOG_INTERVAL} with a count and without a
 * stack trace, instead of flooding the log.
 */
@Component
public class StoreFailures {

	/** Long enough for a client to find Redis back: reconnects are tried every second. */
	static final Duration RETRY_AFTER = Duration.ofSeconds(5);

	static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

	private static final Logger log = LoggerFactory.getLogger(StoreFailures.class);

	private final OncePerInterval failures;

	@Autowired
	StoreFailures(ObjectProvider<Clock> clock) {
		this(clock.getIfAvailable(Clock::systemUTC));
	}

	StoreFailures(Clock clock) {
		this.failures = OncePerInterval.of(LOG_INTERVAL, clock);
	}

	/**
	 * Whether {@code failure} is the store's: Redis unreachable, too slow, or refusing
	 * the command.
	 */
	public static boolean isStoreFailure(Throwable failure) {
		return Causes.of(failure)
			.anyMatch(
					(cause) -> cause instanceof RedisConnectionFailureException || cause instanceof RedisSystemException
							|| cause instanceof QueryTimeoutException || cause instanceof RedisException);
	}

	void record(Throwable failure) {
		long count = this.failures.count();
		if (count > 0) {
			log.warn("session store (Redis) unavailable: {}{}; answering 503 ({} more since the last message)",
					typeOf(failure), RedisRefusals.describe(failure), count - 1);
		}
	}

	private static String typeOf(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root == failure) ? failure.getClass().getName()
				: failure.getClass().getName() + " caused by " + root.getClass().getName();
	}

}
