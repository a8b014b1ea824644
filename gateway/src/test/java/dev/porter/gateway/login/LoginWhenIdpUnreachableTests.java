package dev.porter.gateway.login;

import dev.porter.gateway.support.LoginStarter;
import dev.porter.gateway.support.TestClients;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * "Sign in" while the IdP's discovery document cannot be fetched (nothing listens on the
 * IdP's port; the same context as {@code GatewayHealthTests}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "porter.oidc.issuer-uri=http://127.0.0.1:1/", "porter.oidc.client-secret=test-secret" })
class LoginWhenIdpUnreachableTests {

	@LocalServerPort
	int port;

	/**
	 * The person who clicked "Sign in" got the raw JSON problem as a page. Their own
	 * navigation lands on {@code /?login=unavailable}, where the SPA says to try again in
	 * a moment (without {@code Retry-After}: on a redirect it would ask the browser to
	 * wait before loading the SPA). A script, a navigation a script started, and curl
	 * keep the 503 problem with its {@code Retry-After}.
	 */
	@ParameterizedTest
	@EnumSource(LoginStarter.class)
	void loginWhenDiscoveryFailsThenTheUsersNavigationLandsOnLoginUnavailableAndOthersGetTheProblem(
			LoginStarter starter) {
		EntityExchangeResult<byte[]> answer = TestClients.gateway(this.port)
			.get()
			.uri("/bff/login?returnTo=/profile")
			.headers(starter.headers())
			.exchange()
			.expectBody()
			.returnResult();

		starter.assertRefused(answer, "/?login=unavailable", 503, "[1-5]", "/problems/idp-unavailable");
	}

}
