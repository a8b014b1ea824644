package dev.porter.gateway.token;

import java.time.Duration;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;

/**
 * On shutdown, waits for the token refreshes in flight before Redis closes. A refresh
 * runs on after the request that started it has given up waiting
 * ({@code TOKEN_REFRESH_WAIT}), and the IdP rotates the refresh token when it answers: a
 * refresh whose result is not stored leaves the session with a used refresh token, which
 * the IdP's reuse detection ends at the next refresh. The wait is bounded by the longest
 * a refresh may take ({@link TokenProperties#longestRefresh()}: sent, answered within
 * {@code TOKEN_REFRESH_TIMEOUT}, checked, and stored, which a failing store keeps trying
 * until its lock's lease is nearly over), and by Spring's
 * {@code spring.lifecycle.timeout-per-shutdown-phase}.
 */
final class RefreshDrain implements SmartLifecycle {

	/**
	 * After the web server has stopped (Boot stops it at {@code DEFAULT_PHASE - 2048}),
	 * so no refresh starts any more; before the Redis connections close (phase 0).
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Logger log = LoggerFactory.getLogger(RefreshDrain.class);

	private final Supplier<Mono<Void>> refreshesEnded;

	private final Duration longest;

	private volatile boolean running;

	/**
	 * @param refreshesEnded completes once the refreshes in flight when asked have ended
	 * @param longest the longest one refresh may run
	 */
	RefreshDrain(Supplier<Mono<Void>> refreshesEnded, Duration longest) {
		this.refreshesEnded = refreshesEnded;
		this.longest = longest;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		this.refreshesEnded.get()
			.timeout(this.longest, Mono.fromRunnable(() -> log.warn(
					"shutting down with token refreshes still running after {}: their sessions may need a new login",
					this.longest)))
			.doFinally((signal) -> callback.run())
			.subscribe();
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
