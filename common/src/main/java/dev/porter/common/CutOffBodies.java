package dev.porter.common;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Operators;
import reactor.netty.channel.AbortedException;
import reactor.util.context.Context;

/**
 * A request body its sender cut off, told apart alike by both services, which answer it
 * as the sender's doing (each with its own problem and its own log line), never as a
 * {@code 500} with an ERROR and a stack trace, which anyone could cause at will:
 * <ul>
 * <li>the failure itself ({@link #senderGone}): the connection closed or reset before the
 * body was whole. An orderly close is Reactor Netty's {@link AbortedException}, a reset
 * the socket's {@link IOException}, passed on as it is.</li>
 * <li>the same failure signalled again once the answer is sent: Reactor Netty disposes
 * the request's inbound and signals it once more to the body's reader, which has ended,
 * and Reactor reports that as a dropped error, at ERROR with its stack trace, once per
 * such request. {@link #repeatsAtDebug} is the context that logs that repeat at debug
 * instead, and hands anything else dropped to Reactor's default handling.</li>
 * </ul>
 * Needs Reactor Netty, which both services have (an optional dependency here).
 */
public final class CutOffBodies {

	/** Reactor's context key for a local dropped-error handler ({@code Hooks}). */
	private static final String ON_ERROR_DROPPED = "reactor.onErrorDropped.local";

	private static final Logger log = LoggerFactory.getLogger(CutOffBodies.class);

	private CutOffBodies() {
	}

	/**
	 * Whether {@code failure}, met while a request body was read, says its sender (or a
	 * proxy) closed or reset the connection before the body was whole. Only the body's
	 * own reading may ask: an upstream call's {@link IOException} is no sender's doing.
	 */
	public static boolean senderGone(Throwable failure) {
		return failure instanceof AbortedException || failure instanceof IOException;
	}

	/**
	 * The context, for the chain that reads a body, in which a body's failure signalled
	 * again after the answer is logged at debug: the sender gone ({@link #senderGone}),
	 * or what {@code alsoRepeated} recognises (the service's read timeout, the problem it
	 * answered the failure with). Anything else dropped goes to Reactor's default
	 * handling.
	 */
	public static Context repeatsAtDebug(Predicate<Throwable> alsoRepeated) {
		Consumer<Throwable> dropped = (error) -> {
			if (senderGone(error) || alsoRepeated.test(error)) {
				log.debug("request body failure signalled again after the answer: {}", error.toString());
			}
			else {
				Operators.onErrorDropped(error, Context.empty());
			}
		};
		return Context.of(ON_ERROR_DROPPED, dropped);
	}

}
