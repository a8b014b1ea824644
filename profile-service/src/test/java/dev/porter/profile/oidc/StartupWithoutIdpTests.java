package dev.porter.profile.oidc;

import org.junit.jupiter.api.Test;

import dev.porter.profile.ProfileServiceApplication;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.testsupport.FreePorts;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The IdP is down (its port closed): the service still starts and answers 503, not 500.
 */
class StartupWithoutIdpTests {

	@Test
	void startWhenIdentityProviderDownThenLiveAndTokensGetServiceUnavailableProblem() throws Exception {
		// Not a port bind(0) handed out and released: an outgoing connection of this JVM
		// could take it as its local port and make the IdP answer something.
		int closedPort = FreePorts.next();
		String issuer = "http://localhost:" + closedPort + "/";
		SpringApplication application = new SpringApplication(ProfileServiceApplication.class);
		try (ConfigurableApplicationContext context = application.run("--server.port=0", "--management.server.port=0",
				"--porter.oidc.issuer-uri=" + issuer, "--porter.directory.auth0.client-id=porter-profile",
				"--porter.directory.auth0.client-secret=test-only-secret", "--spring.main.banner-mode=off")) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			WebTestClient client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
			client.get().uri("/livez").exchange().expectStatus().isOk();
			client.get()
				.uri("/me")
				.headers((h) -> h.setBearerAuth(TestJwts.mint(issuer, "auth0|someone")))
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectHeader()
				.exists(HttpHeaders.RETRY_AFTER)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		}
	}

}
