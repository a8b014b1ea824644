package dev.porter.gateway.logout;

import java.time.Clock;
import java.time.Duration;
import java.util.stream.Collectors;

import dev.porter.common.OncePerInterval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * The back-channel logout endpoint's refusals and failures, logged at most once per
 * {@link #INTERVAL} each, with a count: the endpoint is open to anyone, and a line per
 * request would let a client posting garbage in a loop fill the log. The
 * {@code http.server.requests} metric counts every answer.
 */
final class BackchannelLogoutLog {

	static final Duration INTERVAL = Duration.ofMinutes(1);

	private static final Logger log = LoggerFactory.getLogger(BackchannelLogoutController.class);

	private final OncePerInterval rejected;

	private final OncePerInterval unprocessed;

	private final OncePerInterval unread;

	BackchannelLogoutLog(Clock clock) {
		this.rejected = OncePerInterval.of(INTERVAL, clock);
		this.unprocessed = OncePerInterval.of(INTERVAL, clock);
		this.unread = OncePerInterval.of(INTERVAL, clock);
	}

	void rejected(BadJwtException ex) {
		rejected(reason(ex));
	}

	void rejected(String reason) {
		long count = this.rejected.count();
		if (count > 0) {
			log.warn("back-channel logout token rejected: {} ({} rejected since the last report)", reason, count);
		}
	}

	void unprocessed(Throwable cause) {
		long count = this.unprocessed.count();
		if (count > 0) {
			// The type only: messages can quote the IdP's or Redis' answers.
			log.warn("back-channel logout could not be processed: {} ({} since the last report)",
					cause.getClass().getSimpleName(), count);
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

	/**
	 * Our validators' descriptions name the claim at fault; a parser's message could
	 * quote what the client sent, so it is left out.
	 */
	private static String reason(BadJwtException ex) {
		if (ex instanceof JwtValidationException invalid && !invalid.getErrors().isEmpty()) {
			return invalid.getErrors().stream().map(OAuth2Error::getDescription).collect(Collectors.joining("; "));
		}
		return "malformed, or not signed by a key of the IdP";
	}

}
