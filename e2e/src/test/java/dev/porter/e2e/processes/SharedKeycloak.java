package dev.porter.e2e.processes;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One Keycloak for the whole test run: the first test class that asks for a
 * {@link Keycloak} parameter takes the one {@link KeycloakEarlyStart} began at the start
 * of the run (or starts it), every later one gets the same server, and JUnit stops it
 * when the run ends. Starting Keycloak takes most of a minute; each class sets up what it
 * needs of the realm through {@link KeycloakAdmin} instead. Skips the class when the
 * machine has no Java 21+ ({@link KeycloakJava#assumeInstalled()}).
 */
public final class SharedKeycloak implements ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedKeycloak.class);

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == Keycloak.class;
	}

	@Override
	public Keycloak resolveParameter(ParameterContext parameter, ExtensionContext context) {
		KeycloakJava.assumeInstalled();
		// the root context's store lives as long as the run and closes what it holds
		return context.getRoot()
			.getStore(NAMESPACE)
			.computeIfAbsent(Keycloak.class, (key) -> startedEarlyOrNow(), Keycloak.class);
	}

	private static Keycloak startedEarlyOrNow() {
		Keycloak early = KeycloakEarlyStart.take();
		return (early != null) ? early : Keycloak.start();
	}

}
