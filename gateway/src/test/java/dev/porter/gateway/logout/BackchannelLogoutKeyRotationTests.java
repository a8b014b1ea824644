package dev.porter.gateway.logout;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.nimbusds.jose.jwk.RSAKey;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.VirtualGatewayTimers;
import dev.porter.testsupport.Eventually;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Back-channel logouts while the IdP rotates its signing keys and an attacker posts
 * tokens with made-up kids to keep the JWKS fetch throttled. The gateway's waits for a
 * fetch run on virtual time ({@link VirtualGatewayTimers}), which each post moves on
 * until it is answered.
 */
@Import(VirtualGatewayTimers.class)
class BackchannelLogoutKeyRotationTests extends GatewayTestSupport {

	/** Longer than any wait for a fetch of the IdP's keys. */
	private static final Duration PAST_ANY_WAIT = Duration.ofMinutes(1);

	@Autowired
	private VirtualTimeScheduler timers;

	/**
	 * The user's logout the IdP sends once: a 400 ("no such key") would leave their
	 * session alive until its absolute lifetime, the IdP never sending it again.
	 */
	@Test
	void backchannelLogoutWhenIdpRotatedJustAfterAMadeUpKidsFetchThenTokenOnTheNewKeyEndsSession() throws Exception {
		String sub = "auth0|rotation-" + UUID.randomUUID();
		Browser browser = browser().login(sub, 3600);
		TestIdp.instance().server().resetRequests();
		assertThat(post(TestIdp.instance().logoutTokenWithUnknownKid(Map.of("sub", sub)))).isEqualTo(400);
		RSAKey rotated = TestIdp.instance().newKey();
		TestIdp.instance().publish(rotated);

		int status = post(TestIdp.instance().logoutTokenSignedWith(rotated, Map.of("sid", browser.tokens().sid())));

		assertThat(status).isEqualTo(200);
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		assertThat(TestIdp.instance()
			.server()
			.countRequestsMatching(getRequestedFor(urlPathEqualTo("/.well-known/jwks.json")).build())
			.getCount()).isEqualTo(2);
	}

	/**
	 * Posts {@code logoutToken} as the IdP does, moving the gateway's timers on until it
	 * is answered; the answer's status.
	 */
	private int post(String logoutToken) throws Exception {
		CompletableFuture<Integer> status = WebClient.create("http://localhost:" + this.port)
			.post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token", logoutToken))
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.toFuture();
		Eventually.await("the back-channel logout answered", Duration.ofSeconds(10), () -> {
			this.timers.advanceTimeBy(PAST_ANY_WAIT);
			return status.isDone();
		});
		return status.get();
	}

}
