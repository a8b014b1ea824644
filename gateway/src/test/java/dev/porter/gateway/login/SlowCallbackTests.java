package dev.porter.gateway.login;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.HeldAnswer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A login callback that ran longer than a back-channel logout is remembered for the
 * logins on their way ({@link SessionRegistry#LOGOUT_MEMORY}) can no longer tell whether
 * one came meanwhile: it fails, rather than sign in someone the IdP may have logged out.
 */
@Import(MovableGatewayClock.class)
class SlowCallbackTests extends GatewayTestSupport {

	@Autowired
	private MovableClock clock;

	@Test
	void callbackWhenItRunsAsLongAsALogoutIsRememberedThenLoginFailedAndItsRefreshTokenRevoked() throws Exception {
		this.clock.moveTo(Instant.now());
		HeldAnswer exchange = TestIdp.instance().holdCodeExchange();
		Browser browser = browser();

		CompletableFuture<URI> login = CompletableFuture
			.supplyAsync(() -> browser.attemptLogin("auth0|" + UUID.randomUUID(), "sid-" + UUID.randomUUID(), 3600));
		try {
			exchange.awaitReached();
			this.clock.advance(SessionRegistry.LOGOUT_MEMORY);
		}
		finally {
			exchange.release();
		}

		assertThat(login.get(30, TimeUnit.SECONDS)).isEqualTo(URI.create("/?login=failed"));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance()
			.server()
			.verify(postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + browser.tokens().refreshToken())));
	}

}
