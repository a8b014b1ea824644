package dev.porter.e2e.journeys;

import java.net.URI;

import dev.porter.e2e.agents.DevIdpDirectory;
import dev.porter.e2e.agents.DevIdpLogin;
import dev.porter.e2e.agents.Tokens;
import dev.porter.e2e.processes.SharedStack;
import dev.porter.e2e.processes.Stack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import tools.jackson.databind.JsonNode;

/**
 * The directory contract with the Auth0 directory ({@code PROFILE_DIRECTORY=auth0}, the
 * default): dev-idp's Management API behind profile-service.
 */
@ExtendWith(SharedStack.class)
@ResourceLock(SharedStack.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Auth0DirectoryContractTests extends DirectoryContract {

	private static final String ALICE = "auth0|5f7c8ec7c33c6c004bbafe82";

	private Stack stack;

	private Tokens alice;

	private DevIdpDirectory directory;

	@BeforeAll
	void useSharedStack(Stack stack) {
		this.stack = stack;
		this.alice = DevIdpLogin.login(stack, "alice", "alice");
		this.directory = new DevIdpDirectory(stack);
	}

	@Override
	protected URI profileService() {
		return this.stack.profileService().uri();
	}

	@Override
	protected String accessToken() {
		return this.alice.accessToken();
	}

	@Override
	protected String subject() {
		return ALICE;
	}

	@Override
	protected JsonNode storedMetadata() {
		return this.directory.userMetadata(ALICE);
	}

}
