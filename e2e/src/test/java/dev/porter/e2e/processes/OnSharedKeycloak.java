package dev.porter.e2e.processes;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A test class that runs against the run's {@link SharedKeycloak}. It runs alone, after
 * the classes that run two at a time: by then the Keycloak {@link KeycloakEarlyStart}
 * boots in the background is up. Run alongside them, a Keycloak class held one of the two
 * lanes for a minute and a half, waiting for it. ({@link KeycloakClassesLast} orders
 * these classes last too when classes run one at a time.)
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SharedKeycloak.class)
@Isolated
public @interface OnSharedKeycloak {

}
