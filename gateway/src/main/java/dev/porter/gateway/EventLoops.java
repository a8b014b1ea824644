package dev.porter.gateway;

import reactor.netty.ReactorNetty;

/**
 * One Netty event loop per processor the JVM may use, unless
 * {@code reactor.netty.ioWorkerCount} is set. Reactor Netty's default is at least four,
 * which suits a server that does its own work; a gateway mostly waits on its upstream,
 * and an upstream connection from the shared pool often belongs to another event loop
 * than the browser's request. Each such hand-over wakes another thread, and where there
 * are fewer processors than loops (a container with one CPU) those threads take turns on
 * the same processor. There, fewer loops made the relay cheaper and faster; see
 * docs/benchmarks.md for the numbers.
 */
final class EventLoops {

	private EventLoops() {
	}

	/** Must run before the application starts, when Reactor Netty creates its loops. */
	static void matchProcessors() {
		if (System.getProperty(ReactorNetty.IO_WORKER_COUNT) == null) {
			System.setProperty(ReactorNetty.IO_WORKER_COUNT,
					Integer.toString(Runtime.getRuntime().availableProcessors()));
		}
	}

}
