package dev.porter.e2e.processes;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link StackOptions#standard() standard} stack for the whole test run: the first
 * test class that asks for a {@link Stack} parameter starts it, every later one gets the
 * same processes, and JUnit stops them when the run ends (the root context's store closes
 * what it holds). Starting a stack is most of what a short journey costs.
 *
 * <p>
 * Only classes that leave the stack as a user would may share it: they sign in, read and
 * change their own metadata, log out. A class that stops a service, switches on a fault,
 * relies on an empty cache or pushes a user past a limit starts a {@link Stack} of its
 * own. Classes that share it hold the {@link #LOCK} resource lock, so that even when
 * classes run in parallel they never meet on it (dev-idp's "latest login" is then the
 * test's own).
 */
public final class SharedStack implements ParameterResolver {

	/** The {@code @ResourceLock} of the shared stack. */
	public static final String LOCK = "porter-shared-standard-stack";

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedStack.class);

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == Stack.class;
	}

	@Override
	public Stack resolveParameter(ParameterContext parameter, ExtensionContext context) {
		StackOptions options = StackOptions.standard();
		return context.getRoot().getStore(NAMESPACE).computeIfAbsent(options, Stack::start, Stack.class);
	}

}
