package dev.porter.devidp.management;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v2/users/{id}} and the Management API's authentication. */
class ManagementApiReadTests extends ManagementApiTestSupport {

	@Test
	void getWhenIdPercentEncodedThenUser() {
		this.client.get()
			.uri(URI.create("http://localhost:" + this.port + "/api/v2/users/auth0%7C5f7c8ec7c33c6c004bbafe82"))
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.user_id")
			.isEqualTo(ALICE)
			.jsonPath("$.user_metadata.country")
			.isEqualTo("NZ");
	}

	@Test
	void getWhenIdHasRawPipeThenUser() throws IOException {
		// java.net.URI refuses a raw '|', so speak HTTP/1.1 over a socket as a lax client
		// would.
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			OutputStream out = socket.getOutputStream();
			out.write(("GET /api/v2/users/" + ALICE + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
					+ bearer("read:users") + "\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String response = readAll(socket.getInputStream());
			assertThat(response).startsWith("HTTP/1.1 200").contains("\"user_id\":\"" + ALICE + "\"");
		}
	}

	@Test
	void getWhenIdHasSeveralPipesThenWholeSegmentIsTheId() {
		String id = createUser(Map.of("user_id", "example-samlp-connection|someone@example.com"));
		assertThat(id).isEqualTo("auth0|example-samlp-connection|someone@example.com");
		this.client.get()
			.uri("/api/v2/users/{id}", id)
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.user_id")
			.isEqualTo(id);
	}

	@Test
	void getWhenUserUnknownThenNotFoundInexistentUser() {
		this.client.get()
			.uri("/api/v2/users/{id}", "auth0|000000000000000000000000")
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.json("""
					{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}""");
	}

	@Test
	void getWhenFieldsIncludedThenOnlyThoseFields() {
		Map<String, Object> user = this.client.get()
			.uri("/api/v2/users/{id}?fields=email,user_metadata", ALICE)
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(JSON_OBJECT)
			.getResponseBody();
		assertThat(user.keySet()).containsExactlyInAnyOrder("email", "user_metadata");
	}

	@Test
	void getWhenFieldsExcludedThenAllButThoseFields() {
		Map<String, Object> user = this.client.get()
			.uri("/api/v2/users/{id}?fields=app_metadata,identities&include_fields=false", ALICE)
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(JSON_OBJECT)
			.getResponseBody();
		assertThat(user).containsKey("email").doesNotContainKeys("app_metadata", "identities");
	}

	@Test
	void getWhenFieldUnknownThenBadRequestInvalidQueryString() {
		this.client.get()
			.uri("/api/v2/users/{id}?fields=email,shoe_size", ALICE)
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errorCode")
			.isEqualTo("invalid_query_string")
			.jsonPath("$.message")
			.value((String message) -> assertThat(message).startsWith("Query validation error:").contains("shoe_size"));
	}

	@Test
	void getWhenReadUsersThenIdpTokensReturned() {
		this.client.get()
			.uri("/api/v2/users/{id}", BOB)
			.header("Authorization", bearer("read:users", "update:users"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.identities[0].access_token")
			.isNotEmpty();
	}

	@Test
	void getWhenOnlyReadCurrentUserForOwnUserThenIdpTokensStripped() {
		String token = TestManagementTokens.token((claims) -> claims.subject(BOB).claim("scope", "read:current_user"));
		this.client.get()
			.uri("/api/v2/users/{id}", BOB)
			.header("Authorization", "Bearer " + token)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.identities[0].provider")
			.isEqualTo("google-oauth2")
			.jsonPath("$.identities[0].access_token")
			.doesNotExist()
			.jsonPath("$.identities[0].refresh_token")
			.doesNotExist();
	}

	@Test
	void getWhenReadCurrentUserForAnotherUserThenForbidden() {
		String token = TestManagementTokens.token((claims) -> claims.subject(BOB).claim("scope", "read:current_user"));
		this.client.get()
			.uri("/api/v2/users/{id}", ALICE)
			.header("Authorization", "Bearer " + token)
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo(CallerPolicy.NOT_SUBJECT);
	}

	@Test
	void getWhenNoTokenThenUnauthorizedWithoutErrorCode() {
		this.client.get()
			.uri("/api/v2/users/{id}", ALICE)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.exists("WWW-Authenticate")
			.expectBody()
			.json("""
					{"statusCode":401,"error":"Unauthorized","message":"Missing authentication",
					 "attributes":{"error":"Missing authentication"}}""")
			.jsonPath("$.errorCode")
			.doesNotExist();
	}

	@Test
	void getWhenAudienceIsAnotherApiThenUnauthorized() {
		String token = TestManagementTokens
			.token((claims) -> claims.audience(List.of("https://porter.example/api")).claim("scope", "read:users"));
		this.client.get()
			.uri("/api/v2/users/{id}", ALICE)
			.header("Authorization", "Bearer " + token)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("Bad audience")
			.jsonPath("$.errorCode")
			.doesNotExist();
	}

	@Test
	void getWhenTokenExpiredThenUnauthorized() {
		Instant past = Instant.now().minusSeconds(3600);
		String token = TestManagementTokens
			.token((claims) -> claims.issuedAt(past).expiresAt(past.plusSeconds(60)).claim("scope", "read:users"));
		this.client.get()
			.uri("/api/v2/users/{id}", ALICE)
			.header("Authorization", "Bearer " + token)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.attributes.error")
			.isEqualTo("Expired token received for JSON Web Token validation");
	}

	// No clock skew, as on /userinfo: e2e's 5 s tokens must expire when they say.
	@Test
	void getWhenTokenExpiredSecondsAgoThenUnauthorized() {
		Instant expired = Instant.now().minusSeconds(2);
		String token = TestManagementTokens.token(
				(claims) -> claims.issuedAt(expired.minusSeconds(5)).expiresAt(expired).claim("scope", "read:users"));
		this.client.get()
			.uri("/api/v2/users/{id}", ALICE)
			.header("Authorization", "Bearer " + token)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.json("""
					{"statusCode":401,"error":"Unauthorized",
					 "message":"Expired token received for JSON Web Token validation",
					 "attributes":{"error":"Expired token received for JSON Web Token validation"}}""");
	}

	@Test
	void getWhenSignedByAnotherKeyThenUnauthorized() {
		this.client.get()
			.uri("/api/v2/users/{id}", ALICE)
			.header("Authorization", "Bearer " + TestManagementTokens.signedByAnotherKey("read:users"))
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("Invalid signature received for JSON Web Token validation");
	}

	@Test
	void getWhenScopeMissingThenForbiddenInsufficientScope() {
		this.client.get()
			.uri("/api/v2/users/{id}", ALICE)
			.header("Authorization", bearer("update:users"))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.json("""
					{"statusCode":403,"error":"Forbidden","errorCode":"insufficient_scope",
					 "message":"Insufficient scope, expected any of: read:users,read:current_user,read:user_idp_tokens"}""");
	}

	@Test
	void getWhenPathUnknownThenNotFoundInManagementShape() {
		this.client.get()
			.uri("/api/v2/clients")
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.statusCode")
			.isEqualTo(404);
	}

	@Test
	void getWhenIdBlankThenBadRequestInvalidUri() {
		this.client.get()
			.uri(URI.create("http://localhost:" + this.port + "/api/v2/users/%20"))
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errorCode")
			.isEqualTo("invalid_uri");
	}

	private static String readAll(InputStream in) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		in.transferTo(bytes);
		return bytes.toString(StandardCharsets.UTF_8);
	}

}
