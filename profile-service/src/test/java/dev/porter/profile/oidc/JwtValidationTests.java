package dev.porter.profile.oidc;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

class JwtValidationTests extends ProfileServiceIntegrationTest {

	private WebTestClient.ResponseSpec ping(String token) {
		return this.client.get().uri("/me/ping").headers((h) -> h.setBearerAuth(token)).exchange();
	}

	private void expectUnauthorizedProblem(WebTestClient.ResponseSpec response, String challenge) {
		response.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, challenge)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.title")
			.isEqualTo("Unauthorized")
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/unauthorized");
		upstreams.idp().verify(0, getRequestedFor(urlEqualTo("/userinfo")));
	}

	@Test
	void requestWhenTokenMissingThenUnauthorizedProblem() {
		expectUnauthorizedProblem(this.client.get().uri("/me").exchange(), "Bearer");
	}

	@Test
	void requestWhenTokenExpiredBeyondSkewThenUnauthorizedProblem() {
		Instant now = Instant.now();
		String token = TestJwts.mint(issuer(), Upstreams.ALICE,
				(claims) -> claims.issueTime(Date.from(now.minus(Duration.ofHours(1))))
					.expirationTime(Date.from(now.minusSeconds(90))));
		expectUnauthorizedProblem(ping(token), "Bearer error=\"invalid_token\"");
	}

	@Test
	void requestWhenTokenExpiredWithinSkewThenAccepted() {
		Instant now = Instant.now();
		String token = TestJwts.mint(issuer(), Upstreams.ALICE,
				(claims) -> claims.issueTime(Date.from(now.minus(Duration.ofHours(1))))
					.expirationTime(Date.from(now.minusSeconds(30))));
		ping(token).expectStatus().isOk();
	}

	@Test
	void requestWhenTokenNotYetValidBeyondSkewThenUnauthorizedProblem() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE,
				(claims) -> claims.notBeforeTime(Date.from(Instant.now().plusSeconds(120))));
		expectUnauthorizedProblem(ping(token), "Bearer error=\"invalid_token\"");
	}

	// Spring's timestamp validator lets a token without exp through: one would be valid
	// for ever.
	@Test
	void requestWhenTokenHasNoExpiryThenUnauthorizedProblem() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE, (claims) -> claims.expirationTime(null));
		expectUnauthorizedProblem(this.client.get().uri("/me").headers((h) -> h.setBearerAuth(token)).exchange(),
				"Bearer error=\"invalid_token\"");
	}

	@Test
	void requestWhenTokenHasNoAudienceThenUnauthorizedProblem() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE, (claims) -> claims.audience((List<String>) null));
		expectUnauthorizedProblem(ping(token), "Bearer error=\"invalid_token\"");
	}

	@Test
	void requestWhenIssuerWrongThenUnauthorizedProblem() {
		String token = TestJwts.mint("https://evil.example/", Upstreams.ALICE);
		expectUnauthorizedProblem(ping(token), "Bearer error=\"invalid_token\"");
	}

	@Test
	void requestWhenAudienceWrongThenUnauthorizedProblem() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE,
				(claims) -> claims.audience(List.of("https://other.example/api", issuer() + "userinfo")));
		expectUnauthorizedProblem(ping(token), "Bearer error=\"invalid_token\"");
	}

	@Test
	void requestWhenAudienceIsTheApiAloneAsStringThenAccepted() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE, (claims) -> claims.audience(TestJwts.AUDIENCE));
		ping(token).expectStatus().isOk();
	}

	@Test
	void requestWhenSignatureFromAnotherKeyThenUnauthorizedProblem() {
		expectUnauthorizedProblem(ping(TestJwts.mintWithForeignKey(issuer(), Upstreams.ALICE)),
				"Bearer error=\"invalid_token\"");
	}

	// An IdP may sign with another asymmetric algorithm than RS256 (a Keycloak realm on
	// ES256, an Auth0 tenant on PS256): every such token was refused.
	@Test
	void requestWhenSignedWithEs256ByAServedKeyThenAccepted() {
		ping(TestJwts.mintEs256(issuer(), Upstreams.ALICE)).expectStatus().isOk();
	}

	@Test
	void requestWhenHs256WithThePublicKeyAsSecretThenUnauthorizedProblem() {
		expectUnauthorizedProblem(ping(TestJwts.mintHs256(issuer(), Upstreams.ALICE)),
				"Bearer error=\"invalid_token\"");
	}

	@Test
	void requestWhenAlgNoneThenUnauthorizedProblem() {
		expectUnauthorizedProblem(ping(TestJwts.mintUnsigned(issuer(), Upstreams.ALICE)),
				"Bearer error=\"invalid_token\"");
	}

	@Test
	void requestWhenTokenIsGarbageThenUnauthorizedProblemWithoutEcho() {
		ping("not-a-jwt").expectStatus()
			.isUnauthorized()
			.expectBody(String.class)
			.value((body) -> org.assertj.core.api.Assertions.assertThat(body).doesNotContain("not-a-jwt"));
	}

}
