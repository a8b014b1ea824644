package dev.porter.gateway.config;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring's debug lines on the request path are built lazily (their message is an object
 * whose {@code toString()} formats it). Through {@code commons-logging.properties} a
 * disabled level never formats them; Commons Logging's default SLF4J adapter formatted
 * them on every request.
 */
class DisabledLogLevelTests {

	@Test
	void debugWhenLevelDisabledThenMessageNeverFormatted() {
		Log log = LogFactory.getLog("org.springframework.security.web.server.context");
		AtomicInteger formatted = new AtomicInteger();
		Object message = new Object() {
			@Override
			public String toString() {
				formatted.incrementAndGet();
				return "formatted";
			}
		};

		log.debug(message);
		log.trace(message);

		assertThat(log.isDebugEnabled()).isFalse();
		assertThat(formatted).hasValue(0);
	}

}
