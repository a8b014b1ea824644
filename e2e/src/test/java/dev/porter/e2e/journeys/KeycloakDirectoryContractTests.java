package dev.porter.e2e.journeys;

import java.net.URI;

import dev.porter.e2e.agents.KeycloakLogin;
import dev.porter.e2e.agents.Tokens;
import dev.porter.e2e.processes.Keycloak;
import dev.porter.e2e.processes.KeycloakStack;
import dev.porter.e2e.processes.OnSharedKeycloak;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The directory contract with the Keycloak directory
 * ({@code PROFILE_DIRECTORY=keycloak}): a real Keycloak's Admin REST API behind
 * profile-service, reached with the {@code porter-profile} service account; metadata
 * lives in user attributes.
 */
@OnSharedKeycloak
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakDirectoryContractTests extends DirectoryContract {

	private Keycloak keycloak;

	private KeycloakStack stack;

	private Tokens alice;

	@BeforeAll
	void startStack(Keycloak keycloak) {
		this.keycloak = keycloak;
		this.stack = KeycloakStack.startWithoutGateway(keycloak);
		this.alice = KeycloakLogin.login(this.stack, "alice", "alice");
	}

	@AfterAll
	void stopStack() {
		if (this.stack != null) {
			this.stack.close();
		}
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
		return this.keycloak.admin().userId("alice");
	}

	/**
	 * Every attribute of the user: metadata is some of them, under the configured prefix.
	 */
	@Override
	protected JsonNode storedMetadata() {
		return this.keycloak.admin().user("alice").path("attributes");
	}

}
