package dev.porter.gateway.redis;

import java.time.Duration;
import java.util.function.Supplier;

import dev.porter.common.RedisEvictionPolicyCheck;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Asks Redis for its eviction policy, which the gateway's keys rely on
 * ({@link RedisEvictionPolicyCheck}), over whichever connection is open, and asks again
 * every {@code retryDelay} until it answers: asked only as each connection opened, a
 * question that got no answer (Redis stalled or {@code BUSY}, the reply lost with its
 * connection) went unasked again for as long as the connections lasted, and an operator
 * whose Redis evicts keys was never told. Started and stopped with the connections
 * ({@link EventLoopLettuceConnectionFactory}).
 */
final class RedisEvictionPolicyPoll {

	private final RedisEvictionPolicyCheck check;

	private final Supplier<Mono<String>> infoMemory;

	private final Duration retryDelay;

	/** The question being asked, until Redis answers or {@link #stop()}. */
	private volatile @Nullable Disposable question;

	/**
	 * @param infoMemory Redis's answer to {@code INFO memory} over a connection open now;
	 * called for each question, and may throw when none is open
	 */
	RedisEvictionPolicyPoll(RedisEvictionPolicyCheck check, Supplier<Mono<String>> infoMemory, Duration retryDelay) {
		this.check = check;
		this.infoMemory = infoMemory;
		this.retryDelay = retryDelay;
	}

	/**
	 * Asks, unless Redis has answered, and again every {@code retryDelay} while none is
	 * connected yet or Redis gives no answer. Each question waits at most the command
	 * timeout; nothing is logged of one unanswered. Returns at once.
	 */
	void start() {
		this.question = this.check.check(Mono.defer(this.infoMemory))
			.retryWhen(Retry.fixedDelay(Long.MAX_VALUE, this.retryDelay))
			.subscribe();
	}

	/** Stops asking. */
	void stop() {
		Disposable question = this.question;
		if (question != null) {
			question.dispose();
		}
	}

}
