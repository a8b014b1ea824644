package dev.porter.testsupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A throw-away {@code redis-server} that could not start must fail its test at once, and
 * never pass another program's Redis off as its own.
 */
class RedisServerTests {

	// Another JVM's Redis on the port: the one started here exits ("Address already in
	// use"), and the PONG on that port is the other's.
	@Test
	void startOnWhenAnotherRedisHoldsThePortThenFailsWithRedisOutput() throws Exception {
		try (RedisServer other = RedisServer.start()) {
			assertThatIllegalStateException().isThrownBy(() -> RedisServer.startOn(other.port()))
				.withMessageContaining("redis-server on port " + other.port())
				.withMessageContaining("Address already in use");
		}
	}

}
