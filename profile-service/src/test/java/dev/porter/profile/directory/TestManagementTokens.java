package dev.porter.profile.directory;

import org.springframework.context.ApplicationContext;

/** Reaches the package-private token reset from other test packages. */
public final class TestManagementTokens {

	private TestManagementTokens() {
	}

	public static void forget(ApplicationContext context) {
		context.getBeanProvider(ClientCredentialsTokens.class).ifAvailable((tokens) -> tokens.forget().block());
	}

}
