package dev.porter.gateway.devices;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.StoreHiccups;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ending sessions through {@code /bff/sessions} when the bookkeeping around them fails or
 * the IdP is slow: a session removed from the store is its refresh token's only copy, so
 * the token is revoked whatever happens to the registry and the directory; and ending the
 * other sessions waits for their revocations together, not one after another.
 */
@Import(StoreHiccups.class)
class SessionEndingTests extends GatewayTestSupport {

	private static final Duration SLOW_REVOCATION = Duration.ofSeconds(2);

	@Autowired
	private StoreHiccups hiccups;

	@AfterEach
	void noHiccup() {
		this.hiccups.reset();
	}

	@Test
	void deleteWhenRegistryFailsToForgetTheSessionThenItsRefreshTokenIsRevokedAnyway() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");
		String phoneId = SessionsApiTests.idOf(laptop, false);
		this.hiccups.unregister.set(true);

		SessionsApiTests.delete(laptop, "/bff/sessions/" + phoneId);

		phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + phone.tokens().refreshToken())));
	}

	@Test
	void deleteWhenDirectoryFailsToForgetTheSessionThenItsRefreshTokenIsRevokedAnyway() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");
		String phoneId = SessionsApiTests.idOf(laptop, false);
		this.hiccups.forget.set(true);

		SessionsApiTests.delete(laptop, "/bff/sessions/" + phoneId);

		phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + phone.tokens().refreshToken())));
	}

	/**
	 * The store removed the session but its answer came too late: the token read before
	 * is the only copy left, and a retry finds no session to read it from.
	 */
	@Test
	void deleteWhenStoreRemovedTheSessionButItsAnswerWasLostThenItsRefreshTokenIsRevokedAnyway() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");
		String phoneId = SessionsApiTests.idOf(laptop, false);
		this.hiccups.endAnswerLost.set(true);

		SessionsApiTests.delete(laptop, "/bff/sessions/" + phoneId).expectStatus().isEqualTo(503);

		phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + phone.tokens().refreshToken())));
	}

	@Test
	void deleteOthersWhenIdpSlowToRevokeThenTheRevocationsRunTogether() {
		String sub = newUser();
		Browser laptop = signIn(sub, "Laptop/1.0");
		List<String> tokens = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String token = signIn(sub, "Device/" + i).tokens().refreshToken();
			tokens.add(token);
			TestIdp.instance()
				.server()
				.stubFor(post(urlPathEqualTo("/oauth/revoke")).withRequestBody(containing("token=" + token))
					.willReturn(aResponse().withStatus(200).withFixedDelay((int) SLOW_REVOCATION.toMillis())));
		}

		SessionsApiTests.delete(laptop, "/bff/sessions?others=true")
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.ended")
			.isEqualTo(3);

		List<Date> received = TestIdp.instance()
			.server()
			.getAllServeEvents()
			.stream()
			.filter((event) -> tokens.stream()
				.anyMatch((token) -> event.getRequest().getBodyAsString().contains(token)))
			.map(ServeEvent::getRequest)
			.map((request) -> request.getLoggedDate())
			.toList();
		assertThat(received).hasSize(3);
		long spread = received.stream().mapToLong(Date::getTime).max().getAsLong()
				- received.stream().mapToLong(Date::getTime).min().getAsLong();
		// One after another, each would arrive only once the one before was answered: the
		// three at least two revocations apart. Together, all arrive before the first is
		// answered, whatever the machine's load short of a two-second stall.
		assertThat(Duration.ofMillis(spread)).isLessThan(SLOW_REVOCATION);
	}

	private Browser signIn(String sub, String userAgent) {
		return new Browser(
				TestClients.gateway(this.port).mutate().defaultHeader(HttpHeaders.USER_AGENT, userAgent).build())
			.login(sub, 3600);
	}

	private static String newUser() {
		return "auth0|ending-" + UUID.randomUUID();
	}

}
