package dev.porter.gateway.problem;

import java.util.function.LongSupplier;

import dev.porter.common.CutOffBodies;
import dev.porter.common.OncePerInterval;
import io.netty.channel.ChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.http.server.RequestPath;

/**
 * What a request's sender can make the reading of its body fail with, answered as the
 * sender's own doing, never as a 500 with an ERROR, which anyone could cause at will: a
 * body still arriving at the read timeout ({@code 408}: slow, or declaring more than it
 * sends) and a connection closed or reset before the body was whole ({@code 400}, to no
 * one; told apart, as profile-service does, by common {@link CutOffBodies}, and so is its
 * repeat once the answer is sent). Both are logged at INFO, since a proxy's reset or
 * timeout looks the same and is the operator's to see: each, or at most once per interval
 * where anyone may cause them. Shared by the relay's body reader and the forms the
 * gateway answers itself.
 */
public final class BodyReadFailures {

	/** Every failure logged on a line of its own. */
	public static final LongSupplier EACH = () -> 1;

	private static final Logger log = LoggerFactory.getLogger(BodyReadFailures.class);

	/** The same for every read: built once. */
	private static final Context REPEATS_AT_DEBUG = CutOffBodies.repeatsAtDebug(ChannelException.class::isInstance);

	private BodyReadFailures() {
	}

	/**
	 * {@code read} with those failures turned into their problems, each logged.
	 * @param read the reading of the body
	 * @param what what is read, for the log ("request body", "form body")
	 * @param path the request's path, for the log
	 */
	public static <T> Mono<T> answered(Mono<T> read, String what, RequestPath path) {
		return answered(read, what, path, EACH);
	}

	/**
	 * {@code read} with those failures turned into their problems, logged when
	 * {@code reports} says a line is due; either failure signalled again once answered is
	 * logged at debug only.
	 * @param read the reading of the body
	 * @param what what is read, for the log ("request body", "form body")
	 * @param path the request's path, for the log
	 * @param reports counts a failure and tells how many the line due now reports, or
	 * {@code 0} when none is due: {@link #EACH}, or {@link OncePerInterval#count} for an
	 * endpoint open to anyone, where a line per failure would let anyone fill the log
	 */
	public static <T> Mono<T> answered(Mono<T> read, String what, RequestPath path, LongSupplier reports) {
		return read.onErrorMap(ChannelException.class, (ex) -> {
			long count = reports.getAsLong();
			if (count > 0) {
				log.info("{} incomplete after the read timeout; answered 408 path={}{}", what, path, since(count));
			}
			return new ProblemException(Problems.requestTimeout(), ex);
		}).onErrorMap(CutOffBodies::senderGone, (ex) -> {
			long count = reports.getAsLong();
			if (count > 0) {
				log.info("{} cut off by the client or a proxy ({}); answered 400 path={}{}", what,
						ex.getClass().getSimpleName(), path, since(count));
			}
			return new ProblemException(Problems.bodyIncomplete(), ex);
		}).contextWrite(REPEATS_AT_DEBUG);
	}

	/**
	 * How many failures a line reports, of either kind, when more than its own: the
	 * others were not due a line.
	 */
	private static String since(long count) {
		return (count > 1) ? " (" + count + " bodies unread since the last report)" : "";
	}

}
