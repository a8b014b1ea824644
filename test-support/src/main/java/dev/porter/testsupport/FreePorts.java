package dev.porter.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports nobody listens on right now, for the servers a test starts on a port chosen
 * before they bind it (a service whose settings name its own port, a Redis a service was
 * told of before it is up), so they never collide with a running {@code ./run.sh}, with
 * each other or with the tests of another JVM.
 *
 * <p>
 * They come from below the kernel's ephemeral range, never from it: a port the kernel
 * hands out for {@code bind(0)} is free only until some outgoing connection takes it as
 * its local port, and the journeys open thousands of client connections (the anonymous
 * login flood alone 10 100) between choosing a port and the service binding it. Outside
 * the ephemeral range only a listener can take a port, and this class never hands one out
 * twice.
 */
public final class FreePorts {

	private static final int LOWEST = 10_000;

	private static final Set<Integer> handedOut = new HashSet<>();

	private static int next = LOWEST + ThreadLocalRandom.current().nextInt(ephemeralStart() - LOWEST);

	private FreePorts() {
	}

	public static synchronized int next() {
		int range = ephemeralStart() - LOWEST;
		for (int tries = 0; tries < range; tries++) {
			int candidate = LOWEST + Math.floorMod(next++ - LOWEST, range);
			if (handedOut.add(candidate) && isFree(candidate)) {
				return candidate;
			}
		}
		throw new IllegalStateException("no free port between " + LOWEST + " and " + ephemeralStart());
	}

	/** Free on every address: the services listen on all of them or on loopback. */
	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** The first port of Linux's ephemeral range, or the IANA range's start elsewhere. */
	private static int ephemeralStart() {
		try {
			String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip();
			return Math.max(LOWEST + 1_000, Integer.parseInt(range.split("\\s+")[0]));
		}
		catch (IOException | RuntimeException ex) {
			return 49_152;
		}
	}

}
