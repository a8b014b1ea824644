package dev.porter.profile.directory.auth0;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The M2M application without a client grant for the Management API, or with a wrong
 * secret: every uncached {@code /me} answers 503, and the log named only the OAuth code,
 * as for an outage.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusedManagementClientTests extends ProfileServiceIntegrationTest {

	// Auth0's answer to a client without a grant (auth0-contract.md section 7)
	@Test
	void getMeWhenAuth0RefusesTheManagementClientThen503AndAnErrorNamingWhatToCheck(CapturedOutput output) {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.idp()
			.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(aResponse().withStatus(403)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"access_denied\",\"error_description\":\"Client is not authorized to access "
						+ "\\\"" + upstreams.managementUri() + "\\\". You need to create a \\\"client-grant\\\" "
						+ "associated to this API.\"}")));

		this.client.get().uri("/me").headers((h) -> h.setBearerAuth(token)).exchange().expectStatus().isEqualTo(503);

		assertThat(output.getOut().lines().filter((line) -> line.contains("AUTH0_MANAGEMENT_CLIENT_ID")))
			.singleElement()
			.asString()
			.contains("ERROR", "access_denied", "AUTH0_MANAGEMENT_CLIENT_SECRET", "client grant", "read:users",
					"update:users", "AUTH0_MANAGEMENT_URI")
			.doesNotContain("test-only-secret");
	}

}
