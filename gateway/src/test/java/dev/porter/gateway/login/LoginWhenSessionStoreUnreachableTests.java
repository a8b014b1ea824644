package dev.porter.gateway.login;

import java.time.Duration;
import java.util.UUID;

import dev.porter.gateway.session.SessionCookie;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.LoginStarter;
import dev.porter.gateway.support.TestClients;
import dev.porter.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Sign in" while Redis cannot be reached (nothing listens where it should): the login's
 * budget, counted in Redis, cannot be read, so the login is refused as the session
 * store's {@code 503}.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginWhenSessionStoreUnreachableTests {

	private static ConfigurableApplicationContext gateway;

	@BeforeAll
	static void startInstance() throws Exception {
		gateway = GatewayInstances.startOnRedis("redis://127.0.0.1:" + RedisServer.freePort());
	}

	@AfterAll
	static void stopInstance() {
		if (gateway != null) {
			gateway.close();
		}
	}

	/**
	 * The person who clicked "Sign in" got the raw JSON problem as a page. Their own
	 * navigation lands on {@code /?login=unavailable}; a script, a navigation a script
	 * started, and curl keep the 503 problem with its {@code Retry-After}. The operator
	 * still reads that the store is unavailable.
	 */
	@ParameterizedTest
	@EnumSource(LoginStarter.class)
	// First: the store's failures are logged once per interval, by whichever request
	// meets them first.
	@Order(1)
	void loginWhenRedisUnreachableThenTheUsersNavigationLandsOnLoginUnavailableAndOthersGetTheProblem(
			LoginStarter starter, CapturedOutput output) {
		EntityExchangeResult<byte[]> answer = client().get()
			.uri("/bff/login?returnTo=/profile")
			.headers(starter.headers())
			.exchange()
			.expectBody()
			.returnResult();

		starter.assertRefused(answer, "/?login=unavailable", 503, "5", "/problems/upstream-unavailable",
				"session store");
		if (starter == LoginStarter.USER) {
			// the first refusal of this instance: the store's failures are logged once
			// per interval
			assertThat(output.getOut()).contains("session store (Redis) unavailable");
		}
	}

	/**
	 * The same with a session cookie, which the browser keeps until it closes though the
	 * session idled out or ended: the session filters ahead of the security chain read
	 * the session, failed there, and the person who clicked "Sign in" got the raw JSON
	 * 503 as a page.
	 */
	@ParameterizedTest
	@EnumSource(LoginStarter.class)
	void loginWhenRedisUnreachableAndASessionCookieThenTheUsersNavigationLandsOnLoginUnavailable(LoginStarter starter) {
		EntityExchangeResult<byte[]> answer = client().get()
			.uri("/bff/login?returnTo=/profile")
			.headers(starter.headers())
			.cookie(sessionCookie(), UUID.randomUUID().toString())
			.exchange()
			.expectBody()
			.returnResult();

		starter.assertRefused(answer, "/?login=unavailable", 503, "5");
	}

	@ParameterizedTest
	@EnumSource(value = LoginStarter.class, names = { "USER", "CURL" })
	void callbackWhenRedisUnreachableAndASessionCookieThenLoginFailed(LoginStarter starter) {
		client().get()
			.uri("/login/oauth2/code/auth0?code=c&state=s")
			.headers(starter.headers())
			.cookie(sessionCookie(), UUID.randomUUID().toString())
			.exchange()
			.expectStatus()
			.isFound()
			.expectHeader()
			.location("/?login=failed");
	}

	/**
	 * The SPA's page and files need no session, and are served without reading it: with
	 * the session cookie and Redis unreachable, the landing page explains instead of
	 * answering the store's 503, and the cookie is left alone.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "/?login=unavailable", "/", "/app.js", "/app.css" })
	void spaWhenRedisUnreachableAndASessionCookieThenServed(String path) {
		EntityExchangeResult<byte[]> answer = client().get()
			.uri(path)
			.headers(LoginStarter.USER.headers())
			.cookie(sessionCookie(), UUID.randomUUID().toString())
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(answer.getStatus().value()).isEqualTo(200);
		assertThat(answer.getResponseCookies()).isEmpty();
	}

	/**
	 * The IdP sending the person back while Redis cannot be reached: the login cannot
	 * complete, and the browser lands on {@code /?login=failed}, as at every failed
	 * callback, not on the store's JSON problem.
	 */
	@ParameterizedTest
	@EnumSource(value = LoginStarter.class, names = { "USER", "CURL" })
	void callbackWhenRedisUnreachableThenLoginFailed(LoginStarter starter) {
		client().get()
			.uri("/login/oauth2/code/auth0?code=c&state=s")
			.headers(starter.headers())
			.exchange()
			.expectStatus()
			.isFound()
			.expectHeader()
			.location("/?login=failed");
	}

	/** Where the user lands needs no session: the SPA is served and explains. */
	@Test
	void landingWhenRedisUnreachableThenTheSpaIsServed() {
		client().get().uri("/?login=unavailable").exchange().expectStatus().isOk();
	}

	private static String sessionCookie() {
		return gateway.getBean(SessionCookie.class).name();
	}

	private static WebTestClient client() {
		int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
		return TestClients.gateway(port).mutate().responseTimeout(Duration.ofSeconds(10)).build();
	}

}
