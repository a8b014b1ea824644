package dev.porter.gateway.problem;

import java.io.IOException;

import reactor.netty.channel.AbortedException;

/**
 * Whether a failure reading a request's body is its client gone before the body was
 * whole: an orderly close (Reactor Netty's {@link AbortedException}) or a reset (the
 * socket's {@link IOException}, passed on as it is). Anyone can cause it at will, so it
 * is the sender's incomplete body, answered to no one, never a 500 with an ERROR.
 */
public final class ClientGone {

	private ClientGone() {
	}

	public static boolean test(Throwable ex) {
		return ex instanceof AbortedException || ex instanceof IOException;
	}

}
