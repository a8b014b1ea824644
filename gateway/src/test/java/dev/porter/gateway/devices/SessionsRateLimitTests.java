package dev.porter.gateway.devices;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /bff/sessions} spends a request budget ({@code RATE_LIMIT}) per session, of its
 * own: a script listing or ending sessions in a loop gets 429 like one calling the API,
 * leaves the budget of {@code /me} alone, and cannot keep the user's other devices from
 * ending its session.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// The clock stands still: every request of a test falls into one budget window.
@Import(MovableGatewayClock.class)
class SessionsRateLimitTests {

	@LocalServerPort
	int port;

	@Autowired
	MovableClock clock;

	/**
	 * At the system's time, on which the test IdP dates its ID tokens: the login checks
	 * them on the gateway's clock.
	 */
	@BeforeEach
	void clockAtNow() {
		this.clock.moveTo(Instant.now());
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("porter.oidc.issuer-uri", () -> TestIdp.instance().issuer());
		registry.add("porter.oidc.client-id", () -> TestIdp.CLIENT_ID);
		registry.add("porter.oidc.client-secret", () -> TestIdp.CLIENT_SECRET);
		registry.add("porter.relay.profile-service-uri", () -> "http://127.0.0.1:9");
		registry.add("porter.relay.rate-limit", () -> "3");
	}

	@Test
	void listWhenUserExceedsRateLimitThenTooManyRequestsProblemWithRetryAfter() {
		Browser browser = new Browser(TestClients.gateway(this.port)).login("auth0|lister", 3600);
		for (int i = 0; i < 3; i++) {
			browser.get("/bff/sessions").exchange().expectStatus().isOk();
		}

		browser.get("/bff/sessions")
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER);
		browser.get("/me").exchange().expectStatus().value((status) -> assertThat(status).isNotEqualTo(429));
		Browser other = new Browser(TestClients.gateway(this.port)).login("auth0|other-lister", 3600);
		other.get("/bff/sessions").exchange().expectStatus().isOk();
	}

	@Test
	void deleteOneWhenAnotherSessionOfTheUserSpentItsBudgetThenThatSessionEnds() {
		String sub = newUser();
		Browser thief = signIn(sub);
		Browser alice = signIn(sub);
		String thiefs = SessionsApiTests.idOf(thief, true);
		spendBudget(thief);

		SessionsApiTests.delete(alice, "/bff/sessions/" + thiefs).expectStatus().isNoContent();

		thief.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	@Test
	void deleteOthersWhenAnotherSessionOfTheUserSpentItsBudgetThenItEnds() {
		String sub = newUser();
		Browser thief = signIn(sub);
		Browser alice = signIn(sub);
		spendBudget(thief);

		SessionsApiTests.delete(alice, "/bff/sessions?others=true")
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.ended")
			.isEqualTo(1);

		thief.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	@Test
	void listWhenAnotherSessionOfTheUserSpentItsBudgetThenOk() {
		String sub = newUser();
		Browser thief = signIn(sub);
		Browser alice = signIn(sub);
		spendBudget(thief);

		alice.get("/bff/sessions").exchange().expectStatus().isOk();
	}

	/**
	 * A sibling subdomain's page loading the list through the user's browser (no-cors,
	 * the {@code Lax} cookie goes along): refused before it spends the session's budget.
	 */
	@Test
	void listWhenAnotherSitesPageLoadsItThenForbiddenAndTheBudgetIsKept() {
		Browser alice = signIn(newUser());
		for (int i = 0; i < 4; i++) {
			alice.get("/bff/sessions")
				.header("Sec-Fetch-Site", "same-site")
				.header("Sec-Fetch-Mode", "no-cors")
				.header("Sec-Fetch-Dest", "image")
				.exchange()
				.expectStatus()
				.isForbidden()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		}

		for (int i = 0; i < 3; i++) {
			alice.get("/bff/sessions").exchange().expectStatus().isOk();
		}
	}

	private Browser signIn(String sub) {
		return new Browser(TestClients.gateway(this.port)).login(sub, 3600);
	}

	/** Lists the sessions until the browser's session is refused with 429. */
	private static void spendBudget(Browser browser) {
		int answer;
		do {
			answer = browser.get("/bff/sessions").exchange().returnResult(Void.class).getStatus().value();
		}
		while (answer == 200);
		assertThat(answer).isEqualTo(429);
	}

	private static String newUser() {
		return "auth0|budget-" + UUID.randomUUID();
	}

}
