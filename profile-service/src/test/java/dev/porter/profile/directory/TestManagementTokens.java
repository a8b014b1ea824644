package dev.porter.profile.directory;

import org.springframework.context.ApplicationContext;

/** Reaches the package-private M2M token holder from other test packages. */
public final class TestManagementTokens {

	private TestManagementTokens() {
	}

	public static void forget(ApplicationContext context) {
		context.getBean(ManagementTokens.class).forget().block();
	}

}
