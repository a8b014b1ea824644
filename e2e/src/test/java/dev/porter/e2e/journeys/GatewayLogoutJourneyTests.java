package dev.porter.e2e.journeys;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.porter.e2e.agents.DevIdpControls;
import dev.porter.e2e.agents.ForgedTokens;
import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.QueryParameters;
import dev.porter.e2e.http.UserAgent;
import dev.porter.e2e.processes.SharedStack;
import dev.porter.e2e.processes.Stack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4's logout through real processes: RP-initiated logout from the SPA (and where it
 * sends the browser), and OIDC back-channel logout tokens dev-idp signs — or that an
 * attacker forges.
 */
@ExtendWith(SharedStack.class)
@ResourceLock(SharedStack.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayLogoutJourneyTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	/** How far back a logout token is dated that a later login must outlive. */
	static final Duration ISSUED_BEFORE_THE_NEXT_LOGIN = Duration.ofSeconds(5);

	private Stack stack;

	private DevIdpControls devIdp;

	@BeforeAll
	void useSharedStack(Stack stack) {
		this.stack = stack;
		this.devIdp = new DevIdpControls(stack.devIdp());
	}

	@Test
	void logoutWhenScriptPostsWithCsrfThenOldCookieUnauthorizedAndIdpSendsBrowserBack() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		assertThat(alice.getMe().status()).isEqualTo(200);
		String oldCookie = alice.sessionCookie();
		String sid = sidOfLatestLogin();

		Exchange logout = alice.logout();

		assertThat(logout.status()).as(logout.body()).isEqualTo(200);
		URI redirect = URI.create(mapper.readTree(logout.body()).get("redirect").asString());
		assertThat(redirect.toString()).startsWith(this.stack.issuer() + "oidc/logout?");
		assertThat(QueryParameters.first(redirect, "logout_hint")).isEqualTo(sid);
		assertThat(QueryParameters.first(redirect, "client_id")).isEqualTo("porter-gateway");
		assertThat(redirect.getRawQuery()).doesNotContain("id_token_hint");
		assertThat(QueryParameters.first(redirect, "post_logout_redirect_uri"))
			.isEqualTo(this.stack.gateway().uri("/").toString());

		UserAgent replay = new UserAgent();
		replay.setCookie(SpaClient.SESSION_COOKIE, oldCookie);
		assertThat(replay.get(this.stack.gateway().uri("/me"), "Accept", "application/json").status())
			.as("the old session cookie replayed")
			.isEqualTo(401);

		Exchange atIdp = alice.agent().get(redirect);
		assertThat(atIdp.isRedirect()).as(atIdp.status() + " " + atIdp.body()).isTrue();
		assertThat(atIdp.location().toString()).isEqualTo(this.stack.gateway().uri("/").toString());
		Exchange again = alice.agent().follow(alice.agent().get(this.stack.gateway().uri("/bff/login?returnTo=/")));
		assertThat(again.body()).as("dev-idp ended its session: the next login shows the form")
			.contains("name=\"password\"");
	}

	/**
	 * Sign out on a device whose gateway session was ended from another one: no login
	 * left names dev-idp's session, so dev-idp asks before ending it, and only the answer
	 * ends it. Otherwise the next person at that computer would be let in without a
	 * password.
	 */
	@Test
	void logoutWhenTheSessionWasEndedFromAnotherDeviceThenDevIdpAsksAndTheNextLoginNeedsThePassword() {
		SpaClient shared = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		shared.xsrfToken();
		SpaClient phone = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		Exchange ended = phone.delete("/bff/sessions?others=true");
		assertThat(ended.status()).as(ended.body()).isEqualTo(200);
		assertThat(shared.getMe().status()).as("the shared computer's gateway session").isEqualTo(401);

		Exchange logout = shared.logout();

		assertThat(logout.status()).as(logout.body()).isEqualTo(200);
		URI redirect = URI.create(mapper.readTree(logout.body()).get("redirect").asString());
		assertThat(redirect.toString()).startsWith(this.stack.issuer() + "oidc/logout?");
		assertThat(QueryParameters.first(redirect, "client_id")).isEqualTo("porter-gateway");
		assertThat(redirect.getRawQuery()).doesNotContain("id_token_hint").doesNotContain("logout_hint");
		String home = this.stack.gateway().uri("/").toString();
		Exchange question = shared.agent().get(redirect);
		assertThat(question.status()).as(question.body()).isEqualTo(200);
		assertThat(question.body()).contains("Log out of dev-idp?");
		Exchange confirmed = shared.agent().submitForm(question, Map.of());
		assertThat(confirmed.isRedirect()).as(confirmed.status() + " " + confirmed.body()).isTrue();
		assertThat(confirmed.location().toString()).isEqualTo(home);
		Exchange spa = shared.agent().follow(confirmed);
		assertThat(spa.status()).as("back on the SPA").isEqualTo(200);
		assertThat(spa.uri().toString()).isEqualTo(home);
		Exchange again = shared.agent().follow(shared.agent().get(this.stack.gateway().uri("/bff/login?returnTo=/")));
		assertThat(again.body()).as("dev-idp ended its session: the next login shows the form")
			.contains("name=\"password\"");
		assertThat(phone.getMe().status()).as("the other device, signed in on its own").isEqualTo(200);
	}

	@Test
	void logoutWhenResponseScannedThenNoTokenAtAll() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		assertThat(alice.getMe().status()).isEqualTo(200);
		JsonNode issued = this.devIdp.latestGatewayLogin();
		String idToken = issued.get("id_token").asString();

		Exchange logout = alice.logout();
		Exchange atIdp = alice.agent().get(URI.create(mapper.readTree(logout.body()).get("redirect").asString()));

		List<String> apiTokens = this.devIdp.gatewayTokenValues("access_token", "refresh_token");
		for (Exchange exchange : List.of(logout, atIdp)) {
			assertThat(exchange.visibleText()).doesNotContain(apiTokens);
		}
		// The ID token has a sid, so logout_hint identifies the IdP session instead.
		assertThat(logout.visibleText()).doesNotContain(idToken);
		assertThat(atIdp.visibleText()).doesNotContain(idToken);
	}

	@Test
	void backchannelLogoutWhenDevIdpSignsTokenForSidThenThatSessionEnds() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		SpaClient other = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		String sid = sidOfLatestLogin();
		assertThat(alice.getMe().status()).isEqualTo(200);

		Exchange delivered = deliver(this.devIdp.logoutToken("porter-gateway", sid));

		assertThat(delivered.status()).as(delivered.body()).isEqualTo(200);
		assertThat(other.getMe().status()).as("the session of that sid").isEqualTo(401);
		assertThat(alice.getMe().status()).as("another IdP session of the same user").isEqualTo(200);
	}

	@Test
	void backchannelLogoutWhenSignatureForgedThenBadRequestAndSessionLives() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		String genuine = this.devIdp.logoutToken("porter-gateway", sidOfLatestLogin());

		Exchange refused = deliver(ForgedTokens.resignedWithForeignKey(genuine));

		assertRefusedAndSessionLives(refused, alice);
	}

	@Test
	void backchannelLogoutWhenAudienceIsAnotherClientThenBadRequestAndSessionLives() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");

		Exchange refused = deliver(this.devIdp.logoutToken("porter-spa", sidOfLatestLogin()));

		assertRefusedAndSessionLives(refused, alice);
	}

	@Test
	void backchannelLogoutWhenTokenCarriesNonceThenBadRequestAndSessionLives() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		// dev-idp never signs a logout token with a nonce, and a token we sign ourselves
		// would fail on its signature first. The token dev-idp did sign with a nonce is
		// the
		// login's ID token (same issuer, audience and sid): replayed as a logout token,
		// it
		// is the attack the nonce rule exists for.
		String idToken = this.devIdp.latestGatewayLogin().get("id_token").asString();
		assertThat(ForgedTokens.claims(idToken).getClaim("nonce")).as("the ID token carries a nonce").isNotNull();

		Exchange refused = deliver(idToken);

		assertRefusedAndSessionLives(refused, alice);
	}

	@Test
	void backchannelLogoutWhenTokenReplayedAfterUserSignedInAgainThenRefusedAndNewSessionLives() {
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		String sid = sidOfLatestLogin();
		// Issued a few seconds back: the gateway also ends a login whose callback began
		// no later than a logout of its sid, and the login below must not be taken for
		// one under way when this logout came. dev-idp mints the token without ending
		// the IdP session, which a real IdP's logout would.
		String token = this.devIdp.logoutToken("porter-gateway", sid, ISSUED_BEFORE_THE_NEXT_LOGIN);
		Exchange delivered = deliver(token);
		assertThat(delivered.status()).as(delivered.body()).isEqualTo(200);
		assertThat(alice.getMe().status()).as("the session the token was for").isEqualTo(401);

		// Alice signs in again; dev-idp still has her IdP session, so the new gateway
		// session has the same sid. Whoever saw the token (a proxy, a log) posts it
		// again.
		signInAgainWithinIdpSession(alice);
		assertThat(sidOfLatestLogin()).as("the same IdP session").isEqualTo(sid);
		Exchange replayed = deliver(token);

		assertRefusedAndSessionLives(replayed, alice);
		assertThat(mapper.readTree(replayed.body()).get("type").asString())
			.isEqualTo("https://porter.example/problems/invalid-logout-token");
	}

	@Test
	void backchannelLogoutWhenBodyIsOneMebibyteThenPayloadTooLargeProblem() {
		String form = "logout_token=" + "a".repeat(1024 * 1024);
		Exchange refused = new UserAgent().send("POST", this.stack.gateway().uri("/bff/backchannel-logout"),
				HttpRequest.BodyPublishers.ofString(form), "Content-Type", "application/x-www-form-urlencoded");
		assertThat(refused.status()).as(refused.body()).isEqualTo(413);
		assertThat(mapper.readTree(refused.body()).get("type").asString())
			.isEqualTo("https://porter.example/problems/logout-token-too-large");
	}

	/** A login that finds the IdP session still there: no form, straight back. */
	static void signInAgainWithinIdpSession(SpaClient client) {
		Exchange landed = client.agent().follow(client.agent().get(client.gateway().uri("/bff/login?returnTo=/")));
		assertThat(landed.uri()).as("signed in again without the login form").isEqualTo(client.gateway().uri("/"));
		assertThat(client.getMe().status()).as("the new session").isEqualTo(200);
	}

	private void assertRefusedAndSessionLives(Exchange refused, SpaClient alice) {
		assertThat(refused.status()).as(refused.body()).isEqualTo(400);
		assertThat(alice.getMe().status()).as("the session after a refused logout token").isEqualTo(200);
	}

	private String sidOfLatestLogin() {
		JsonNode latest = this.devIdp.latestGatewayLogin();
		assertThat(latest.hasNonNull("sid")).as("dev-idp reports the login's sid").isTrue();
		return latest.get("sid").asString();
	}

	private Exchange deliver(String logoutToken) {
		String form = "logout_token=" + java.net.URLEncoder.encode(logoutToken, StandardCharsets.UTF_8);
		return new UserAgent().send("POST", this.stack.gateway().uri("/bff/backchannel-logout"),
				HttpRequest.BodyPublishers.ofString(form), "Content-Type", "application/x-www-form-urlencoded");
	}

}
