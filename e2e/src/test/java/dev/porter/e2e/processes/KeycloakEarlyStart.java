package dev.porter.e2e.processes;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.jspecify.annotations.Nullable;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Starts the run's one Keycloak in the background as the run begins, when the run holds a
 * class that uses {@link SharedKeycloak}: unpacking, building, seeding and booting it
 * take a minute or more, most of it while the other journeys mostly wait on token
 * lifetimes and process starts. The Keycloak classes run last
 * ({@link KeycloakClassesLast}), and the first of them takes the server over
 * ({@link #take()}); the run's end stops a server no class took. Registered with the
 * JUnit Platform in {@code META-INF/services}.
 */
public final class KeycloakEarlyStart implements TestExecutionListener {

	private static @Nullable CompletableFuture<Keycloak> starting;

	@Override
	public void testPlanExecutionStarted(TestPlan testPlan) {
		if (usesKeycloak(testPlan) && KeycloakJava.isInstalled()) {
			begin();
		}
	}

	@Override
	public void testPlanExecutionFinished(TestPlan testPlan) {
		stopUntaken();
	}

	/**
	 * The server started in the background, waiting for it if it is still starting (and
	 * throwing what its start threw); from then on the caller owns it. Null when none was
	 * started, or another caller took it.
	 */
	static synchronized @Nullable Keycloak take() {
		CompletableFuture<Keycloak> started = starting;
		starting = null;
		if (started == null) {
			return null;
		}
		try {
			return started.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

	private static synchronized void begin() {
		if (starting == null) {
			starting = CompletableFuture.supplyAsync(Keycloak::start, (task) -> {
				Thread thread = new Thread(task, "keycloak-early-start");
				thread.setDaemon(true);
				thread.start();
			});
		}
	}

	/** Stops a server no test took, after its start ended: never one left running. */
	private static synchronized void stopUntaken() {
		CompletableFuture<Keycloak> started = starting;
		starting = null;
		if (started != null) {
			// a start that failed has stopped what it started
			Keycloak keycloak = started.handle((server, failure) -> server).join();
			if (keycloak != null) {
				keycloak.close();
			}
		}
	}

	private static boolean usesKeycloak(TestPlan testPlan) {
		return testPlan.getRoots()
			.stream()
			.flatMap((root) -> testPlan.getDescendants(root).stream())
			.map(TestIdentifier::getSource)
			.flatMap((source) -> source.stream())
			.anyMatch((source) -> source instanceof ClassSource classSource
					&& KeycloakClassesLast.usesKeycloak(classSource.getJavaClass()));
	}

}
