package dev.porter.gateway.login;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import dev.porter.gateway.support.LoginStarter;
import dev.porter.gateway.support.TestClients;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

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

		if (starter == LoginStarter.USER) {
			assertThat(answer.getStatus().value()).isEqualTo(302);
			assertThat(answer.getResponseHeaders().getLocation()).isEqualTo(URI.create("/?login=unavailable"));
			assertThat(answer.getResponseHeaders().getContentType()).isNull();
			assertThat(answer.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNull();
		}
		else {
			assertThat(answer.getStatus().value()).isEqualTo(503);
			assertThat(answer.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
			assertThat(answer.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).matches("[1-5]");
			assertThat(new String(answer.getResponseBodyContent(), StandardCharsets.UTF_8))
				.contains("/problems/idp-unavailable");
		}
		assertThat(answer.getResponseCookies()).as("no pending login started").isEmpty();
	}

}
