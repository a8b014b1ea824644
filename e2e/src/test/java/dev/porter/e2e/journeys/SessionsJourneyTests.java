package dev.porter.e2e.journeys;

import java.time.Duration;

import dev.porter.e2e.agents.Browser;
import dev.porter.e2e.agents.DevIdpControls;
import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.pages.SpaPage;
import dev.porter.e2e.pages.SpaPage.SessionRow;
import dev.porter.e2e.processes.Stack;
import dev.porter.e2e.processes.StackOptions;
import dev.porter.testsupport.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Sign out my other devices" through real processes: two gateways sharing sessions
 * through one Redis, dev-idp, profile-service, and headless Chromium for the SPA. A user
 * signed in on two devices sees both and ends the other; that device is signed out,
 * whichever gateway serves it, as soon as Redis tells that gateway (within
 * {@link #SEEN_WITHIN}), and its refresh token no longer works at the IdP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionsJourneyTests {

	/**
	 * How soon a session ended through one gateway is ended on the other. The other may
	 * serve it from its near cache until Redis's invalidation reaches it, a moment after
	 * the first one answered; far below the 10 s after which it would read Redis anyway,
	 * so a lost invalidation fails these tests.
	 */
	private static final Duration SEEN_WITHIN = Duration.ofSeconds(2);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	private DevIdpControls devIdp;

	@BeforeAll
	void startStack() {
		this.stack = Stack.start(StackOptions.standard().withSharedRedis(2));
		this.devIdp = new DevIdpControls(this.stack.devIdp());
	}

	@AfterAll
	void stopStack() {
		if (this.stack != null) {
			this.stack.close();
		}
	}

	@Test
	void signOutOtherDeviceWhenBobUsesTwoBrowsersThenTheOtherIsSignedOutAndItsRefreshTokenRevoked() {
		Browser.assumeInstalled();
		try (Browser laptop = Browser.start(1280, 900); Browser phone = Browser.start(390, 844)) {
			SpaPage laptopSpa = new SpaPage(laptop.driver(), this.stack.gateway(0).uri());
			SpaPage phoneSpa = new SpaPage(phone.driver(), this.stack.gateway(1).uri());
			laptopSpa.open().signIn().signInAs("bob", "bob", laptopSpa);
			phoneSpa.open().signIn().signInAs("bob", "bob", phoneSpa);
			String phonesRefreshToken = this.devIdp.latestGatewayLogin().get("refresh_token").asString();

			laptopSpa.reload();
			assertThat(laptopSpa.sessions()).extracting(SessionRow::current).containsExactly(true, false);
			assertThat(laptopSpa.sessions()).allSatisfy((row) -> assertThat(row.device()).contains("Chrome"));
			assertThat(laptopSpa.isSignOutAllOtherDevicesShown()).isTrue();
			assertThat(laptopSpa.pageSource()).doesNotContain(phonesRefreshToken);
			laptopSpa.scrollToSessions();
			laptop.screenshot("sessions-01-two-devices");

			laptopSpa.signOutOtherSession();
			assertThat(laptopSpa.sessions()).extracting(SessionRow::current).containsExactly(true);
			assertThat(laptopSpa.isSignOutAllOtherDevicesShown()).isFalse();
			laptopSpa.scrollToSessions();
			laptop.screenshot("sessions-02-other-device-signed-out");

			Eventually.await("the phone's session ended on gateway B", SEEN_WITHIN,
					() -> phoneSpa.fetchStatus("/me") == 401);
			assertThat(phoneSpa.reload().isSignedOut()).isTrue();
			phone.screenshot("sessions-03-phone-signed-out");
			assertRevoked(phonesRefreshToken);
			assertThat(laptopSpa.fetchStatus("/me")).isEqualTo(200);
		}
	}

	/** Alice here, Bob in the browser: each test counts its user's sessions. */
	@Test
	void signOutOthersWhenSessionMadeOnGatewayAThenListedAndEndedThroughGatewayB() {
		SpaClient phone = SpaClient.signIn(this.stack.gateway(0), "alice", "alice");
		String phonesRefreshToken = this.devIdp.latestGatewayLogin().get("refresh_token").asString();
		SpaClient laptop = SpaClient.signIn(this.stack.gateway(1), "alice", "alice");

		Exchange listed = laptop.sessions();
		assertThat(listed.status()).as(listed.body()).isEqualTo(200);
		JsonNode sessions = mapper.readTree(listed.body()).get("sessions");
		assertThat(sessions.size()).isGreaterThanOrEqualTo(2);
		assertThat(sessions.get(0).get("current").asBoolean()).isTrue();
		assertThat(listed.visibleText()).doesNotContain(phone.sessionCookie(), laptop.sessionCookie(),
				phonesRefreshToken);

		Exchange ended = laptop.delete("/bff/sessions?others=true");

		assertThat(ended.status()).as(ended.body()).isEqualTo(200);
		assertThat(mapper.readTree(ended.body()).get("ended").asInt()).isEqualTo(sessions.size() - 1);
		Eventually.await("the phone's session ended on gateway A", SEEN_WITHIN, () -> phone.getMe().status() == 401);
		assertThat(mapper.readTree(laptop.sessions().body()).get("sessions").size()).isEqualTo(1);
		assertThat(laptop.getMe().status()).isEqualTo(200);
		assertRevoked(phonesRefreshToken);
	}

	/**
	 * A refresh with the token, as the gateway would send it, is refused the way Auth0
	 * refuses a revoked one: {@code 403 invalid_grant} (a live token would get 200).
	 */
	private void assertRevoked(String refreshToken) {
		Exchange refresh = this.devIdp.refresh(refreshToken);
		assertThat(refresh.status()).as(refresh.body()).isEqualTo(403);
		assertThat(mapper.readTree(refresh.body()).get("error").asString()).isEqualTo("invalid_grant");
	}

}
