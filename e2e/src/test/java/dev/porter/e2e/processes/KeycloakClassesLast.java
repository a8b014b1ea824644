package dev.porter.e2e.processes;

import java.util.Arrays;
import java.util.Comparator;

import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs the classes that use {@link SharedKeycloak} after all others (otherwise keeping
 * JUnit's order), so that the Keycloak {@link KeycloakEarlyStart} boots in the background
 * is ready, or nearly, when they need it. Set in {@code junit-platform.properties}.
 */
public final class KeycloakClassesLast implements ClassOrderer {

	@Override
	public void orderClasses(ClassOrdererContext context) {
		// a stable sort: the other classes keep their order among themselves
		context.getClassDescriptors()
			.sort(Comparator.comparing((ClassDescriptor descriptor) -> usesKeycloak(descriptor.getTestClass())));
	}

	static boolean usesKeycloak(Class<?> testClass) {
		return AnnotationSupport.findRepeatableAnnotations(testClass, ExtendWith.class)
			.stream()
			.anyMatch((extendWith) -> Arrays.asList(extendWith.value()).contains(SharedKeycloak.class));
	}

}
