package dev.porter.gateway.logout;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import dev.porter.testsupport.HeldAnswer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A back-channel logout, delivered to one instance, that arrives while a login of its IdP
 * session is still in its callback on the other: the login must not end signed in, at
 * whatever point of the callback it is.
 */
@ExtendWith(SharedTwoGatewaysOnRedis.class)
class BackchannelLogoutDuringLoginOnRedisTests {

	private static TwoGatewaysOnRedis instances;

	@BeforeAll
	static void instances(TwoGatewaysOnRedis shared) {
		instances = shared;
	}

	/** Before the new session is registered: the other instance found nothing to end. */
	@Test
	void backchannelLogoutOnOtherInstanceWhenItsSidIsAtTheCodeExchangeThenThatLoginEndsSignedOut() throws Exception {
		String sub = "auth0|midway-" + UUID.randomUUID();
		String sid = "sid-" + UUID.randomUUID();
		Browser browser = new Browser(client(instances.first()));
		HeldAnswer exchange = TestIdp.instance().holdCodeExchange();

		CompletableFuture<URI> login = CompletableFuture.supplyAsync(() -> browser.attemptLogin(sub, sid, 3600));
		try {
			exchange.awaitReached();
			post(TestIdp.instance().logoutToken(Map.of("sid", sid, "sub", sub))).expectStatus().isOk();
		}
		finally {
			exchange.release();
		}

		assertThat(login.get(30, TimeUnit.SECONDS)).isEqualTo(URI.create("/?login=failed"));
		assertAuthenticated(browser, false);
		assertRevoked(browser.tokens().refreshToken());
	}

	/**
	 * After the new session is registered, before the callback's answer: the new session
	 * is ending the one the browser presented (waiting on the IdP's revocation of its
	 * refresh token) when the logout comes.
	 */
	@Test
	void backchannelLogoutOnOtherInstanceWhenItsSidIsEndingThePresentedSessionThenThatLoginEndsSignedOut()
			throws Exception {
		String sub = "auth0|midway-" + UUID.randomUUID();
		Browser browser = new Browser(client(instances.first())).login(sub, 3600);
		HeldAnswer presentedRevocation = TestIdp.instance().holdRevocationOf(browser.tokens().refreshToken());
		String sid = "sid-" + UUID.randomUUID();

		CompletableFuture<URI> login = CompletableFuture.supplyAsync(() -> browser.attemptLogin(sub, sid, 3600));
		try {
			presentedRevocation.awaitReached();
			post(TestIdp.instance().logoutToken(Map.of("sid", sid, "sub", sub))).expectStatus().isOk();
		}
		finally {
			presentedRevocation.release();
		}
		login.get(30, TimeUnit.SECONDS);

		assertAuthenticated(browser, false);
		assertRevoked(browser.tokens().refreshToken());
	}

	/** Delivered to the instance the login is not on. */
	private static WebTestClient.ResponseSpec post(String logoutToken) {
		return client(instances.second()).post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token", logoutToken))
			.exchange();
	}

	/** Asked of both instances: neither may serve the session. */
	private static void assertAuthenticated(Browser browser, boolean authenticated) {
		for (ConfigurableApplicationContext instance : new ConfigurableApplicationContext[] { instances.first(),
				instances.second() }) {
			client(instance).get()
				.uri("/bff/session")
				.cookies((jar) -> browser.cookies().forEach(jar::add))
				.exchange()
				.expectBody()
				.jsonPath("$.authenticated")
				.isEqualTo(authenticated);
		}
	}

	private static void assertRevoked(String refreshToken) {
		TestIdp.instance()
			.server()
			.verify(postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + refreshToken)));
	}

	private static WebTestClient client(ConfigurableApplicationContext instance) {
		return TestClients.gateway(TwoGatewaysOnRedis.port(instance));
	}

}
