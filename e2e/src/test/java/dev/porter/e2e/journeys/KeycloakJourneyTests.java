package dev.porter.e2e.journeys;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.porter.e2e.agents.ForgedTokens;
import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.QueryParameters;
import dev.porter.e2e.http.UserAgent;
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
 * Issue 13: Porter on a real Keycloak, configured only through the environment variables
 * the README gives — login through Keycloak's own form, the session, {@code /me} from the
 * Keycloak directory, a metadata change, refresh of short-lived access tokens (one per
 * expiry), RP-initiated logout, and a logout that starts at Keycloak and reaches the
 * gateway over the back channel.
 */
@OnSharedKeycloak
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakJourneyTests {

	/**
	 * Short, for the refresh journey's two expiries, yet long enough that a journey's
	 * sign-in and first requests fit in the 8 s before the token is due
	 * (TOKEN_REFRESH_AHEAD, 5 s, the least the gateway takes).
	 */
	private static final Duration ACCESS_TOKEN_LIFESPAN = Duration.ofSeconds(13);

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Keycloak keycloak;

	private KeycloakAdmin admin;

	private KeycloakStack stack;

	@BeforeAll
	void startStack(Keycloak keycloak) {
		this.keycloak = keycloak;
		this.admin = keycloak.admin();
		// the least the gateway takes, so that a fresh token is relayed as it is rather
		// than refreshed on every request
		this.stack = KeycloakStack.start(keycloak, ACCESS_TOKEN_LIFESPAN, Map.of("TOKEN_REFRESH_AHEAD", "5s"));
	}

	@AfterAll
	void stopStack() {
		if (this.stack != null) {
			this.stack.close();
		}
	}

	@Test
	void signInWhenKeycloakUserThenSessionNamesTheUser() {
		SpaClient alice = signIn("alice");

		Exchange session = alice.session();

		assertThat(session.status()).as(session.body()).isEqualTo(200);
		JsonNode body = mapper.readTree(session.body());
		assertThat(body.get("authenticated").asBoolean()).isTrue();
		assertThat(body.get("user").get("sub").asString()).isEqualTo(this.admin.userId("alice"));
		assertThat(body.get("user").get("email").asString()).isEqualTo("alice@example.com");
		assertThat(body.get("user").get("name").asString()).isEqualTo("Alice Example");
		assertThat(session.body()).doesNotContain("access_token", "refresh_token", "id_token");
	}

	@Test
	void getMeWhenSignedInThenProfileFromUserinfoAndKeycloakDirectory() {
		SpaClient alice = signIn("alice");

		Exchange me = alice.getMe();

		assertThat(me.status()).as(me.body()).isEqualTo(200);
		JsonNode profile = mapper.readTree(me.body());
		assertThat(profile.get("sub").asString()).isEqualTo(this.admin.userId("alice"));
		assertThat(profile.get("email").asString()).isEqualTo("alice@example.com");
		assertThat(profile.get("name").asString()).isEqualTo("Alice Example");
		assertThat(profile.has("user_metadata")).as(me.body()).isTrue();
	}

	@Test
	void patchMetadataWhenSignedInThenNextGetMeShowsItAndKeycloakStoresIt() {
		SpaClient alice = signIn("alice");

		Exchange patched = alice.patchMetadata("{\"journey_theme\":\"dark\"}");

		assertThat(patched.status()).as(patched.body()).isEqualTo(200);
		Exchange me = alice.getMe();
		assertThat(me.status()).as(me.body()).isEqualTo(200);
		assertThat(mapper.readTree(me.body()).get("user_metadata").get("journey_theme").asString()).isEqualTo("dark");
		assertThat(this.admin.user("alice").path("attributes").toString()).as("the user's attributes at Keycloak")
			.contains("journey_theme")
			.contains("dark");
	}

	@Test
	void getMeWhenAccessTokenExpiresThenExactlyOneRefreshPerExpiry() {
		SpaClient alice = signIn("alice");
		Instant issued = Instant.ofEpochMilli(newest("CODE_TO_TOKEN", "alice").get("time").asLong());
		int before = this.admin.gatewayEvents("REFRESH_TOKEN", "alice").size();
		assertThat(alice.getMe().status()).isEqualTo(200);
		assertThat(refreshes(before)).as("a fresh token is relayed as it is").isZero();

		for (int expiry = 1; expiry <= 2; expiry++) {
			awaitPast(issued.plus(ACCESS_TOKEN_LIFESPAN));
			Exchange afterExpiry = alice.getMe();
			Exchange next = alice.getMe();

			assertThat(afterExpiry.status()).as(afterExpiry.body()).isEqualTo(200);
			assertThat(next.status()).as(next.body()).isEqualTo(200);
			int expected = expiry;
			await(() -> refreshes(before) >= expected, "a refresh_token grant at Keycloak");
			assertThat(refreshes(before)).as("refreshes after expiry " + expiry).isEqualTo(expiry);
			issued = Instant.ofEpochMilli(newest("REFRESH_TOKEN", "alice").get("time").asLong());
		}
	}

	@Test
	void logoutWhenSpaLogsOutThenKeycloakEndsItsSessionAndSendsBrowserBack() {
		SpaClient alice = signIn("alice");
		assertThat(alice.getMe().status()).isEqualTo(200);
		String oldCookie = alice.sessionCookie();

		Exchange logout = alice.logout();

		assertThat(logout.status()).as(logout.body()).isEqualTo(200);
		URI redirect = URI.create(mapper.readTree(logout.body()).get("redirect").asString());
		assertThat(redirect.toString()).startsWith(this.keycloak.endSessionEndpoint() + "?");
		assertThat(QueryParameters.first(redirect, "post_logout_redirect_uri"))
			.isEqualTo(this.stack.gateway().uri("/").toString());
		String sid = ForgedTokens.claims(QueryParameters.first(redirect, "id_token_hint")).getClaim("sid").toString();

		UserAgent replay = new UserAgent();
		replay.setCookie(SpaClient.SESSION_COOKIE, oldCookie);
		assertThat(replay.get(this.stack.gateway().uri("/me"), "Accept", "application/json").status())
			.as("the old session cookie replayed")
			.isEqualTo(401);

		Exchange atKeycloak = alice.agent().get(redirect);
		assertThat(atKeycloak.isRedirect()).as(atKeycloak.status() + " " + atKeycloak.body()).isTrue();
		assertThat(atKeycloak.location().toString()).isEqualTo(this.stack.gateway().uri("/").toString());
		assertThat(this.admin.sessions("alice")).as("Keycloak's sessions of alice")
			.noneMatch((session) -> session.get("id").asString().equals(sid));
		Exchange again = alice.agent().follow(alice.agent().get(this.stack.gateway().uri("/bff/login?returnTo=/")));
		assertThat(again.body()).as("the next login shows Keycloak's form").contains("name=\"password\"");
	}

	/**
	 * A logout revokes its session's refresh token at Keycloak; the user's session on
	 * another device must survive its next refresh. Keycloak's revocation endpoint has
	 * been read as detaching the client from every session of the user, which would sign
	 * the user out everywhere: this pins that the release the stack runs does not.
	 */
	@Test
	void logoutOnOneDeviceWhenTheOtherRefreshesThenTheOtherStaysSignedIn() {
		SpaClient laptop = signIn("bob");
		Instant issued = Instant.ofEpochMilli(newest("CODE_TO_TOKEN", "bob").get("time").asLong());
		SpaClient phone = signIn("bob");
		assertThat(phone.getMe().status()).isEqualTo(200);

		int revokedBefore = this.admin.gatewayEvents("REVOKE_GRANT", "bob").size();
		Exchange logout = phone.logout();
		assertThat(logout.status()).as(logout.body()).isEqualTo(200);
		await(() -> this.admin.gatewayEvents("REVOKE_GRANT", "bob").size() > revokedBefore,
				"the phone's refresh token revoked at Keycloak");

		awaitPast(issued.plus(ACCESS_TOKEN_LIFESPAN));
		Exchange me = laptop.getMe();
		assertThat(me.status()).as("the laptop's request past its token's expiry: " + me.body()).isEqualTo(200);
	}

	/**
	 * A second "Sign in" in a signed-in browser (another tab's, or two tabs sent to the
	 * login by a 401) passes Keycloak's single sign-on without a form, within the same
	 * Keycloak session, and the gateway ends the session the browser presented. Both
	 * logins share Keycloak's one client session of that Keycloak session: revoking the
	 * replaced session's refresh token ended it, and the new session's first refresh
	 * failed, signing the user out minutes after they signed in.
	 */
	@Test
	void signInAgainWhenSameBrowserThenTheNewSessionSurvivesItsRefresh() {
		SpaClient bob = signIn("bob");
		String replaced = bob.sessionCookie();

		Exchange landed = bob.agent().follow(bob.agent().get(this.stack.gateway().uri("/bff/login?returnTo=/")));

		assertThat(landed.uri()).as("the second sign-in, through Keycloak's single sign-on: " + landed.body())
			.isEqualTo(this.stack.gateway().uri("/"));
		assertThat(bob.sessionCookie()).as("the session after the second sign-in").isNotEqualTo(replaced);
		Instant issued = Instant.ofEpochMilli(newest("CODE_TO_TOKEN", "bob").get("time").asLong());
		awaitPast(issued.plus(ACCESS_TOKEN_LIFESPAN));
		Exchange me = bob.getMe();
		assertThat(me.status()).as("the new session's request past its token's expiry: " + me.body()).isEqualTo(200);
		UserAgent replay = new UserAgent();
		replay.setCookie(SpaClient.SESSION_COOKIE, replaced);
		assertThat(replay.get(this.stack.gateway().uri("/me"), "Accept", "application/json").status())
			.as("the replaced session's cookie")
			.isEqualTo(401);
	}

	@Test
	void logoutAtKeycloakWhenAdminEndsUserSessionsThenBackchannelEndsGatewaySession() {
		SpaClient bob = signIn("bob");
		assertThat(bob.getMe().status()).isEqualTo(200);

		this.admin.logout("bob");

		// /bff/session never calls the IdP: only the back-channel logout can end it
		await(() -> !mapper.readTree(bob.session().body()).get("authenticated").asBoolean(),
				"the gateway session ended by Keycloak's back-channel logout");
		Exchange me = bob.getMe();
		assertThat(me.status()).as(me.body()).isEqualTo(401);
	}

	private SpaClient signIn(String username) {
		return SpaClient.signIn(this.stack.gateway(), username, username);
	}

	private int refreshes(int before) {
		return this.admin.gatewayEvents("REFRESH_TOKEN", "alice").size() - before;
	}

	private JsonNode newest(String type, String username) {
		List<JsonNode> events = this.admin.gatewayEvents(type, username);
		assertThat(events).as(type + " events of " + username).isNotEmpty();
		return events.get(0);
	}

	/**
	 * Waits until {@code instant} has passed: an access token issued at a known time is
	 * then certainly expired (Keycloak's clock is this machine's).
	 */
	private static void awaitPast(Instant instant) {
		while (!Instant.now().isAfter(instant)) {
			pause(Duration.between(Instant.now(), instant).plusMillis(20));
		}
	}

	/** Polls a condition that a real process makes true, failing after a deadline. */
	private static void await(Supplier<Boolean> condition, String what) {
		Instant deadline = Instant.now().plus(PATIENCE);
		while (!condition.get()) {
			assertThat(Instant.now()).as("waiting for " + what).isBefore(deadline);
			pause(Duration.ofMillis(100));
		}
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(Math.max(1, duration.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
