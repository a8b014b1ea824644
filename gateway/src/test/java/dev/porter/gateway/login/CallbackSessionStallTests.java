package dev.porter.gateway.login;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.StoredSessions;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.RedisAdmin;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis stalls past REDIS_TIMEOUT while the login callback stores its new session: Spring
 * Security's save of the login changes the session's id, which writes the session at
 * once, and that write times out. The login fails, and must leave nobody signed in: the
 * failed session's own save when the redirect is committed (Spring's session manager sees
 * a started session) or the stalled write landing late would otherwise store it, tokens
 * and all, unknown to back-channel logout and to {@code /bff/sessions}. Runs against the
 * shared {@code redis-server} of {@link SharedTwoGatewaysOnRedis}, whose writes a
 * {@code CLIENT PAUSE} holds.
 */
@ExtendWith(SharedTwoGatewaysOnRedis.class)
class CallbackSessionStallTests {

	private static TwoGatewaysOnRedis instances;

	@BeforeAll
	static void instances(TwoGatewaysOnRedis shared) {
		instances = shared;
	}

	@AfterEach
	void writesResumed() throws Exception {
		instances.redisCli("CLIENT", "UNPAUSE");
		TestIdp.instance().releaseAllHolds();
	}

	@Test
	void callbackWhenTheSessionWriteStallsThenLoginFailedAndNobodySignedInAndItsRefreshTokenRevoked() throws Exception {
		Browser browser = new Browser(client(instances.first()));
		HeldAnswer exchange = TestIdp.instance().holdCodeExchange();
		double failedBefore = failedLogins();

		CompletableFuture<URI> login = CompletableFuture
			.supplyAsync(() -> browser.attemptLogin("auth0|" + UUID.randomUUID(), "sid-" + UUID.randomUUID(), 3600));
		exchange.awaitReached();
		// Writes wait in Redis far beyond REDIS_TIMEOUT (500 ms), then are carried out.
		instances.redisCli("CLIENT", "PAUSE", "10000", "WRITE");
		try {
			exchange.release();
			// The session's write timed out and the login failed; Redis answers again
			// before the failed login's answer is committed (and its own writes time
			// out).
			Eventually.await("the login failed", Duration.ofSeconds(10), () -> failedLogins() > failedBefore);
		}
		finally {
			// Redis runs the waiting writes before it answers this.
			instances.redisCli("CLIENT", "UNPAUSE");
		}

		assertThat(login.get(30, TimeUnit.SECONDS)).isEqualTo(URI.create("/?login=failed"));
		assertSignedOut(browser);
		assertThat(storedRefreshTokens()).as("refresh tokens stored in Redis")
			.doesNotContain(browser.tokens().refreshToken());
		TestIdp.instance().awaitRevocationOf(browser.tokens().refreshToken());
	}

	private static double failedLogins() {
		return instances.first().getBean(MeterRegistry.class).counter("porter.logins", "outcome", "failure").count();
	}

	/** Asked of both instances: neither may serve the session. */
	private static void assertSignedOut(Browser browser) {
		for (ConfigurableApplicationContext instance : List.of(instances.first(), instances.second())) {
			client(instance).get()
				.uri("/bff/session")
				.cookies((jar) -> browser.cookies().forEach(jar::add))
				.exchange()
				.expectBody()
				.jsonPath("$.authenticated")
				.isEqualTo(false);
		}
	}

	/** The refresh tokens of every session Redis holds now. */
	private static List<String> storedRefreshTokens() {
		StoredSessions stored = instances.second().getBean(StoredSessions.class);
		List<String> keys = RedisAdmin.call(instances.redis().url(), (commands) -> commands.keys("porter:session:*"));
		return Flux.fromIterable(keys)
			.mapNotNull((key) -> SessionKey.parse(key.substring("porter:session:".length())))
			.concatMap(stored::refreshToken)
			.map(OAuth2RefreshToken::getTokenValue)
			.filter(Objects::nonNull)
			.collectList()
			.block(Duration.ofSeconds(10));
	}

	private static WebTestClient client(ConfigurableApplicationContext instance) {
		return TestClients.gateway(TwoGatewaysOnRedis.port(instance));
	}

}
