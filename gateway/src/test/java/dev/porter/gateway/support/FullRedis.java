package dev.porter.gateway.support;

import java.io.IOException;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The {@link SharedTwoGatewaysOnRedis} for a class that fills their Redis:
 * {@code maxmemory} reached under {@code noeviction}, so that Redis refuses every write
 * that would add data ({@code OOM}) and still serves reads and deletes. The memory limit
 * is lifted after each test, so that the next test, and the next class sharing the
 * instances, finds Redis as it was. Registered on a static field:
 * {@code @RegisterExtension static final FullRedis fullRedis = new FullRedis();}.
 */
public final class FullRedis implements BeforeAllCallback, AfterEachCallback {

	private TwoGatewaysOnRedis instances;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.instances = SharedTwoGatewaysOnRedis.instances(context);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		makeRoom();
	}

	/** Fills Redis at once: a limit of one byte, which it already holds more than. */
	public void fill() {
		maxmemory("1");
	}

	/** Lifts the memory limit: Redis takes writes again. */
	public void makeRoom() {
		maxmemory("0");
	}

	public TwoGatewaysOnRedis instances() {
		return this.instances;
	}

	/** A client of the first instance. */
	public WebTestClient gateway() {
		return TestClients.gateway(TwoGatewaysOnRedis.port(this.instances.first()));
	}

	private void maxmemory(String bytes) {
		try {
			this.instances.redisCli("CONFIG", "SET", "maxmemory", bytes);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
