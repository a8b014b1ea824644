package dev.porter.gateway.token;

import java.time.Duration;
import java.util.function.Supplier;

import dev.porter.gateway.session.ToTheEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;

/**
 * On shutdown, waits for the work that runs on after its request, before Redis and the
 * IdP client close. Graceful shutdown waits only for the connections still open, and this
 * work has none:
 * <ul>
 * <li>A token refresh runs on after the request that started it has given up waiting
 * ({@code TOKEN_REFRESH_WAIT}), and the IdP rotates the refresh token when it answers: a
 * refresh whose result is not stored leaves the session with a used refresh token, which
 * the IdP's reuse detection ends at the next refresh.</li>
 * <li>A step run to its end whoever stops waiting ({@link ToTheEnd}) whose client left: a
 * session ending cut there leaves the session removed and its refresh token unrevoked; a
 * back-channel logout, sessions the IdP logged out still signed in (the IdP never sends
 * it again); a login callback, its session unknown to back-channel logout.</li>
 * </ul>
 * The wait is bounded ({@link #bound}) by Spring's
 * {@code spring.lifecycle.timeout-per-shutdown-phase}, less a margin to log what is still
 * running before Spring gives up on the phase, but never below the longest a refresh may
 * take ({@link TokenProperties#longestRefresh()}: sent, answered within
 * {@code TOKEN_REFRESH_TIMEOUT}, checked, and stored, which a failing store keeps trying
 * until its lock's lease is nearly over). A step's length follows other settings (a
 * callback's three IdP calls of up to {@code OIDC_RESPONSE_TIMEOUT} each, a back-channel
 * logout's key fetch and revocations): bounded by a refresh alone, a short
 * {@code TOKEN_REFRESH_TIMEOUT} cut them short.
 */
final class DetachedWorkDrain implements SmartLifecycle {

	/**
	 * After the web server has stopped (Boot stops it at {@code DEFAULT_PHASE - 2048}),
	 * so no refresh or step starts any more; before the Redis connections close (phase 0)
	 * and the IdP client with the beans.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	/** Left of the phase to log what is still running before Spring gives up on it. */
	static final Duration MARGIN = Duration.ofSeconds(5);

	private static final Logger log = LoggerFactory.getLogger(DetachedWorkDrain.class);

	private final Supplier<Mono<Void>> workEnded;

	private final Duration longest;

	private volatile boolean running;

	/**
	 * @param workEnded completes once the work in flight when asked has ended
	 * @param longest the longest one piece of it may run
	 */
	DetachedWorkDrain(Supplier<Mono<Void>> workEnded, Duration longest) {
		this.workEnded = workEnded;
		this.longest = longest;
	}

	/**
	 * How long the drain waits.
	 * @param longestRefresh the longest a refresh may take
	 * @param shutdownPhase Spring's {@code spring.lifecycle.timeout-per-shutdown-phase}
	 */
	static Duration bound(Duration longestRefresh, Duration shutdownPhase) {
		Duration phaseLessMargin = shutdownPhase.minus(MARGIN);
		return (phaseLessMargin.compareTo(longestRefresh) > 0) ? phaseLessMargin : longestRefresh;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		this.workEnded.get()
			.timeout(this.longest, Mono.fromRunnable(() -> log.warn("shutting down with token refreshes or session "
					+ "endings still running after {}: their sessions may need a new login, or keep refresh tokens "
					+ "unrevoked", this.longest)))
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
