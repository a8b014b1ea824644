package dev.porter.gateway.oidc;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.porter.gateway.support.TestIdp;
import dev.porter.testsupport.HeldAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IdP client waits for an answer as long as {@code OIDC_RESPONSE_TIMEOUT} says. Read
 * from the client's configuration rather than timed against a hanging IdP: on a busy
 * machine a wall-clock bound below the 5 s default proved unreliable, and LoginTests and
 * IdTokenKeysTests already see a hanging IdP fail the login. Its pool is bounded, and a
 * call that gets none of its connections in time fails before it is sent: seen against
 * the {@link TestIdp} with a pool of one connection, kept busy by an answer held there.
 */
class IdpClientConfigurationTests {

	@AfterEach
	void releaseHolds() {
		TestIdp.instance().releaseAllHolds();
	}

	@Test
	void idpHttpClientWhenResponseTimeoutConfiguredThenWaitsThatLongForAnAnswer() {
		Duration configured = Duration.ofMillis(300);

		assertThat(IdpClientConfiguration.idpHttpClient(properties(configured), ConnectionProvider.newConnection())
			.configuration()
			.responseTimeout()).isEqualTo(configured);
	}

	// Reactor Netty's default pool kept 16 connections per host and let a call wait 45 s
	// for one: longer than every wait for the IdP, so a call was sent to the IdP after
	// its
	// caller had given up on it.
	@Test
	void idpConnectionsWhenEveryConnectionIsBusyThenACallFailsUnsentAtTheAcquireTimeout() throws Exception {
		ConnectionProvider oneConnection = IdpClientConfiguration.idpConnections(1, Duration.ofMillis(200));
		try {
			WebClient idp = WebClient.builder()
				.clientConnector(new ReactorClientHttpConnector(
						IdpClientConfiguration.idpHttpClient(properties(Duration.ofSeconds(30)), oneConnection)))
				.build();
			HeldAnswer busy = revoke(idp, "rt-busy-" + UUID.randomUUID());
			String unsent = "rt-unsent-" + UUID.randomUUID();

			StepVerifier.create(revocation(idp, unsent))
				.expectErrorSatisfies((ex) -> assertThat(ex).hasRootCauseInstanceOf(PoolAcquireTimeoutException.class))
				.verify(Duration.ofSeconds(10));
			busy.release();

			assertThat(TestIdp.instance()
				.server()
				.findAll(postRequestedFor(urlPathEqualTo("/oauth/revoke")).withRequestBody(containing(unsent))))
				.isEmpty();
		}
		finally {
			oneConnection.dispose();
		}
	}

	@Test
	void idpConnectionsWhenBuiltForTheGatewayThenBoundedAtItsMaximum() {
		ConnectionProvider connections = new IdpClientConfiguration().idpConnections();
		try {
			assertThat(connections.maxConnections()).isEqualTo(IdpClientConfiguration.MAX_CONNECTIONS);
		}
		finally {
			connections.dispose();
		}
	}

	/** A revocation of {@code token} sent, its answer held at the IdP. */
	private static HeldAnswer revoke(WebClient idp, String token) throws Exception {
		HeldAnswer held = TestIdp.instance().holdRevocationOf(token);
		revocation(idp, token).toFuture();
		held.awaitReached();
		return held;
	}

	private static Mono<?> revocation(WebClient idp, String token) {
		return idp.post()
			.uri(TestIdp.instance().issuer() + "oauth/revoke")
			.body(BodyInserters.fromFormData("token", token))
			.retrieve()
			.toBodilessEntity();
	}

	private static OidcProperties properties(Duration responseTimeout) {
		return new OidcProperties(URI.create("http://idp.invalid/"), "client-1", "secret", List.of("openid"),
				"https://api", null, null, null, null, null, Duration.ofSeconds(5), responseTimeout, true);
	}

}
