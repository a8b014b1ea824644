package dev.porter.e2e.journeys;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.QueryParameters;
import dev.porter.e2e.processes.Keycloak;
import dev.porter.e2e.processes.KeycloakAdmin;
import dev.porter.e2e.processes.KeycloakStack;
import dev.porter.e2e.processes.OnSharedKeycloak;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Sign out" clicked after the gateway session went idle, on a real Keycloak: an idle
 * session ends without its refresh token revoked, so Keycloak's session of the browser
 * lives on, and at a shared computer the next "Sign in" would pass its single sign-on
 * without a password. The gateway, with no login left to name, still sends the browser to
 * Keycloak's logout, with {@code client_id} and no hint; Keycloak asks the user to
 * confirm. (dev-idp does the same: {@code GatewayLogoutJourneyTests}.)
 */
@OnSharedKeycloak
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakSignOutAfterIdleJourneyTests {

	/**
	 * Short, since the journey waits it out once, yet longer than the sign-in takes
	 * between two of its requests on a busy machine: with 1 s the session sometimes idled
	 * out before the sign-in had seen it.
	 */
	private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Keycloak keycloak;

	private KeycloakAdmin admin;

	private KeycloakStack stack;

	@BeforeAll
	void startStack(Keycloak keycloak) {
		this.keycloak = keycloak;
		this.admin = keycloak.admin();
		this.stack = KeycloakStack.start(keycloak, Duration.ofMinutes(5),
				Map.of("SESSION_IDLE_TIMEOUT", IDLE_TIMEOUT.toSeconds() + "s"));
	}

	@AfterAll
	void stopStack() {
		if (this.stack != null) {
			this.stack.close();
		}
	}

	@Test
	void logoutWhenTheGatewaySessionWentIdleThenKeycloakEndsItsSessionOnceTheUserConfirms() {
		Set<String> before = ids(this.admin.sessions("alice"));
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		alice.xsrfToken();
		Instant lastUse = Instant.now();
		Set<String> keycloakSessions = ids(this.admin.sessions("alice"));
		keycloakSessions.removeAll(before);
		assertThat(keycloakSessions).as("alice's new Keycloak session").hasSize(1);
		awaitPast(lastUse.plus(IDLE_TIMEOUT));
		assertThat(ids(this.admin.sessions("alice"))).as("Keycloak's session outlives the idle gateway session")
			.containsAll(keycloakSessions);

		Exchange logout = alice.logout();

		assertThat(logout.status()).as(logout.body()).isEqualTo(200);
		URI redirect = URI.create(mapper.readTree(logout.body()).get("redirect").asString());
		assertThat(redirect.toString()).startsWith(this.keycloak.endSessionEndpoint() + "?");
		assertThat(QueryParameters.first(redirect, "client_id")).isEqualTo(Keycloak.GATEWAY_CLIENT_ID);
		assertThat(redirect.getRawQuery()).doesNotContain("id_token_hint").doesNotContain("logout_hint");
		String home = this.stack.gateway().uri("/").toString();
		Exchange question = alice.agent().follow(alice.agent().get(redirect), home);
		assertThat(question.status()).as("Keycloak asks the user to confirm: %s", question.uri()).isEqualTo(200);
		Exchange confirmed = alice.agent().submitForm(question, Map.of("confirmLogout", "Logout"));
		assertThat(confirmed.isRedirect()).as(confirmed.status() + " " + confirmed.body()).isTrue();
		assertThat(confirmed.location().toString()).isEqualTo(home);
		assertThat(ids(this.admin.sessions("alice"))).as("Keycloak's sessions of alice")
			.doesNotContainAnyElementsOf(keycloakSessions);
		Exchange again = alice.agent().follow(alice.agent().get(this.stack.gateway().uri("/bff/login?returnTo=/")));
		assertThat(again.body()).as("the next login shows Keycloak's form").contains("name=\"password\"");
	}

	private static Set<String> ids(List<JsonNode> sessions) {
		return sessions.stream().map((session) -> session.get("id").asString()).collect(Collectors.toSet());
	}

	private static void awaitPast(Instant instant) {
		while (!Instant.now().isAfter(instant)) {
			try {
				Thread.sleep(Math.max(1, Duration.between(Instant.now(), instant).plusMillis(20).toMillis()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

}
