package dev.porter.gateway.logout;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import dev.porter.common.OncePerInterval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * The back-channel logout endpoint's refusals and failures, logged at most once per
 * {@link #INTERVAL} per reason, with a count: the endpoint is open to anyone, and a line
 * per request would let a client posting garbage in a loop fill the log. Per reason, so
 * that such a flood hides no other reason: the IdP's own tokens refused (a clock out of
 * step, another client id), which it never sends again, or a store that fails. The
 * reasons are a fixed set (the checks' reasons, types of exceptions), never the client's
 * text: each has a counter in memory. The {@code http.server.requests} metric counts
 * every answer.
 */
final class BackchannelLogoutLog {

	static final Duration INTERVAL = Duration.ofMinutes(1);

	/** A token refused before its claims were read, which anyone can send. */
	private static final String MALFORMED = "malformed, or not signed by a key of the IdP";

	private static final Logger log = LoggerFactory.getLogger(BackchannelLogoutController.class);

	private final Clock clock;

	private final Map<String, OncePerInterval> rejected = new ConcurrentHashMap<>();

	private final Map<String, OncePerInterval> unprocessed = new ConcurrentHashMap<>();

	private final OncePerInterval unread;

	private final OncePerInterval unrecorded;

	BackchannelLogoutLog(Clock clock) {
		this.clock = clock;
		this.unread = OncePerInterval.of(INTERVAL, clock);
		this.unrecorded = OncePerInterval.of(INTERVAL, clock);
	}

	void rejected(BadJwtException ex) {
		rejected(reason(ex));
	}

	/** A valid token whose jti was used before: a replay. */
	void replayed() {
		rejected("its jti was already used");
	}

	private void rejected(String reason) {
		long count = count(this.rejected, reason);
		if (count > 0) {
			log.warn("back-channel logout token rejected: {} ({} rejected since the last report)", reason, count);
		}
	}

	void unprocessed(Throwable cause) {
		String reason = failure(cause);
		long count = count(this.unprocessed, reason);
		if (count > 0) {
			log.warn("back-channel logout could not be processed: {} ({} since the last report)", reason, count);
		}
	}

	/**
	 * A logout Redis could not record for lack of memory, its sessions ended all the
	 * same: at ERROR, as it leaves a user signed in whom the IdP signed out, and the
	 * operator has to act.
	 */
	void unrecorded() {
		long count = this.unrecorded.count();
		if (count > 0) {
			log.error("back-channel logout not recorded, Redis is full (maxmemory reached; raise it): the sessions"
					+ " it names are ended, but a login under way when it came may survive it, and its jti is not"
					+ " kept against a replay ({} since the last report)", count);
		}
	}

	/**
	 * Counts a body that could not be read (too slow, cut off), which
	 * {@link dev.porter.gateway.problem.BodyReadFailures} logs.
	 * @return how many such bodies the line due now reports, {@code 0} when none is due
	 */
	long unreadBodies() {
		return this.unread.count();
	}

	private long count(Map<String, OncePerInterval> reasons, String reason) {
		return reasons.computeIfAbsent(reason, (key) -> OncePerInterval.of(INTERVAL, this.clock)).count();
	}

	/**
	 * The reasons of the checks that failed ({@link LogoutTokenValidator#reason}); a
	 * parser's message could quote what the client sent, so it is left out.
	 */
	private static String reason(BadJwtException ex) {
		if (ex instanceof JwtValidationException invalid && !invalid.getErrors().isEmpty()) {
			return invalid.getErrors()
				.stream()
				.map(LogoutTokenValidator::reason)
				.distinct()
				.collect(Collectors.joining("; "));
		}
		return MALFORMED;
	}

	/**
	 * The types only, the root cause's too (a fetch of the IdP's keys and a flood of
	 * forged tokens waiting for one fail alike): messages can quote the IdP's or Redis'
	 * answers.
	 */
	private static String failure(Throwable cause) {
		String type = cause.getClass().getSimpleName();
		Throwable root = NestedExceptionUtils.getRootCause(cause);
		return (root != null && root.getClass() != cause.getClass())
				? type + " caused by " + root.getClass().getSimpleName() : type;
	}

}
