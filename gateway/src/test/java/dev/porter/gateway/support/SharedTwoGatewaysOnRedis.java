package dev.porter.gateway.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link TwoGatewaysOnRedis} for the whole test run: the first test class that asks
 * for it as a parameter starts it, later ones get the same instances, and JUnit closes it
 * when the run ends (the root context's store closes what it holds). Starting two
 * gateways and a Redis is most of what such a class costs.
 *
 * <p>
 * Only classes that use the instances as clients would may share them: they sign in
 * users, use and end their own sessions, and reset the stubs they set; a class that
 * narrows Redis's ACL restores it after each test. A class that stops Redis or restarts
 * an instance starts its own.
 */
public final class SharedTwoGatewaysOnRedis implements ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(SharedTwoGatewaysOnRedis.class);

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == TwoGatewaysOnRedis.class;
	}

	@Override
	public TwoGatewaysOnRedis resolveParameter(ParameterContext parameter, ExtensionContext context) {
		return instances(context);
	}

	/** The run's instances, started by the first caller: for other extensions. */
	static TwoGatewaysOnRedis instances(ExtensionContext context) {
		return context.getRoot()
			.getStore(NAMESPACE)
			.computeIfAbsent(TwoGatewaysOnRedis.class, (key) -> start(), TwoGatewaysOnRedis.class);
	}

	private static TwoGatewaysOnRedis start() {
		try {
			return TwoGatewaysOnRedis.start();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not start two gateways on Redis", ex);
		}
	}

}
