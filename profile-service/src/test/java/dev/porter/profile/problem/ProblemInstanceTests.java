package dev.porter.profile.problem;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * A problem's {@code instance} is the request's path, never an absolute URI: the gateway
 * relays profile-service's problems to the browser as they are, and an absolute one
 * carried the name and port profile-service is reached under inside the deployment
 * ({@code http://profile-service:8081/me}). The same for every problem: those the
 * security chain writes and those of the controller advice.
 */
class ProblemInstanceTests extends ProfileServiceIntegrationTest {

	private static final String INTERNAL_HOST = "profile-service:8081";

	@Test
	void unauthorizedWhenReachedUnderAnInternalNameThenInstanceIsThePathAlone() {
		this.client.get()
			.uri("/me?fields=all")
			.header(HttpHeaders.HOST, INTERNAL_HOST)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.instance")
			.isEqualTo("/me");
	}

	@Test
	void badRequestWhenReachedUnderAnInternalNameThenInstanceIsThePathAlone() {
		this.client.patch()
			.uri("/me/metadata")
			.header(HttpHeaders.HOST, INTERNAL_HOST)
			.headers((headers) -> headers.setBearerAuth(TestJwts.mint(issuer(), Upstreams.ALICE)))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"a.b\":1}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.instance")
			.isEqualTo("/me/metadata");
	}

}
