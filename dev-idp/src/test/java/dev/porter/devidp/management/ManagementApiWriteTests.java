package dev.porter.devidp.management;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import dev.porter.devidp.users.UserStore;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code PATCH /api/v2/users/{id}} and {@code POST /api/v2/users} over HTTP. */
class ManagementApiWriteTests extends ManagementApiTestSupport {

	@Autowired
	UserStore users;

	@Test
	void patchWhenOasWorkedExampleThenMetadataMergedOneLevelDeep() {
		String id = createUser(Map.of("user_metadata", Map.of("profileCode", 1479)));
		patch(id, """
				{"user_metadata":{"addresses":{"work_address":"100 Industrial Way"}}}""").expectStatus()
			.isOk()
			.expectBody()
			.json("""
					{"user_metadata":{"profileCode":1479,"addresses":{"work_address":"100 Industrial Way"}}}""");
		patch(id, """
				{"user_metadata":{"addresses":{"home_address":"742 Evergreen Terrace"}}}""").expectStatus().isOk();
		this.client.get()
			.uri("/api/v2/users/{id}", id)
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectBody()
			.jsonPath("$.user_metadata.profileCode")
			.isEqualTo(1479)
			.jsonPath("$.user_metadata.addresses.home_address")
			.isEqualTo("742 Evergreen Terrace")
			.jsonPath("$.user_metadata.addresses.work_address")
			.doesNotExist();
	}

	@Test
	void patchWhenMetadataNullAndEmptyObjectThenKeyDeletedAndMetadataWiped() {
		String id = createUser(
				Map.of("user_metadata", Map.of("theme", "dark", "lang", "en"), "app_metadata", Map.of("plan", "pro")));
		patch(id, """
				{"user_metadata":{"theme":null},"app_metadata":{}}""").expectStatus()
			.isOk()
			.expectBody()
			.json("""
					{"user_metadata":{"lang":"en"},"app_metadata":{}}""",
					org.springframework.test.json.JsonCompareMode.LENIENT)
			.jsonPath("$.user_metadata.theme")
			.doesNotExist()
			.jsonPath("$.app_metadata.plan")
			.doesNotExist();
	}

	@Test
	void patchWhenRootAttributesSentThenReplacedOrUnsetAndUpdatedAtAdvances() {
		String id = createUser(Map.of("given_name", "Ada", "family_name", "Lovelace"));
		Map<String, Object> before = get(id);
		Map<String, Object> after = patch(id, """
				{"given_name":"Augusta","family_name":null}""").expectStatus()
			.isOk()
			.returnResult(JSON_OBJECT)
			.getResponseBody();
		assertThat(after.get("given_name")).isEqualTo("Augusta");
		assertThat(after).doesNotContainKey("family_name").containsEntry("email", before.get("email"));
		assertThat(Instant.parse((String) after.get("updated_at")))
			.isAfter(Instant.parse((String) before.get("updated_at")));
	}

	@Test
	void postAndPatchWhenDevIdpClockIsADayBehindThenUserDatedOnIt() {
		this.devIdpClock.shift(Duration.ofDays(-1));
		// Auth0's timestamps count milliseconds
		Instant before = this.devIdpClock.instant().truncatedTo(ChronoUnit.MILLIS);
		String id = createUser(Map.of());
		Map<String, Object> created = get(id);
		Map<String, Object> patched = patch(id, """
				{"given_name":"Augusta"}""").expectStatus().isOk().returnResult(JSON_OBJECT).getResponseBody();
		Instant after = this.devIdpClock.instant();

		assertThat(Instant.parse((String) created.get("created_at"))).isBetween(before, after);
		assertThat(Instant.parse((String) created.get("updated_at"))).isBetween(before, after);
		assertThat(Instant.parse((String) patched.get("updated_at"))).isBetween(before, after);
	}

	@Test
	void patchWhenMetadataKeyHasDotThenBadRequestInvalidBody() {
		String id = createUser(Map.of());
		patch(id, """
				{"user_metadata":{"preference.color":"pink"}}""").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errorCode")
			.isEqualTo("invalid_body")
			.jsonPath("$.message")
			.value((String message) -> assertThat(message).startsWith("Payload validation error: ")
				.contains("preference.color"));
	}

	@Test
	void patchWhenProfileWouldExceedTenKilobytesThenBadRequestAndUserUnchanged() {
		String id = createUser(Map.of("user_metadata", Map.of("kept", "yes")));
		String big = "x".repeat(11 * 1024);
		patch(id, "{\"user_metadata\":{\"notes\":\"" + big + "\"}}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errorCode")
			.isEqualTo("invalid_body");
		assertThat(get(id).get("user_metadata")).isEqualTo(Map.of("kept", "yes"));
	}

	/**
	 * A profile another writer took over the limit (an Action setting app_metadata, which
	 * Auth0 lets through for now) may shrink, or its owner could never delete a key.
	 */
	@Test
	void patchWhenProfileAlreadyOverTenKilobytesAndTheChangeShrinksItThenAccepted() {
		String id = createUser(Map.of("user_metadata", Map.of("kept", "yes", "gone", "soon")));
		this.users.update(id, (stored) -> {
			stored.putObject("app_metadata").put("history", "h".repeat(11 * 1024));
			return stored;
		});

		patch(id, "{\"user_metadata\":{\"gone\":null}}").expectStatus().isOk();
		assertThat(get(id).get("user_metadata")).isEqualTo(Map.of("kept", "yes"));
		patch(id, "{\"user_metadata\":{\"more\":\"text\"}}").expectStatus().isBadRequest();
	}

	@Test
	void patchWhenPayloadOverOneMegabyteThenPayloadTooLarge() {
		String id = createUser(Map.of());
		patch(id, "{\"user_metadata\":{\"notes\":\"" + "x".repeat(1024 * 1024) + "\"}}").expectStatus()
			.isEqualTo(413)
			.expectBody()
			.jsonPath("$.statusCode")
			.isEqualTo(413);
	}

	@Test
	void patchWhenBodyIsNotJsonObjectThenBadRequestInvalidBody() {
		String id = createUser(Map.of());
		patch(id, "[1,2]").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("Payload validation error: 'Expected type object but found type array'.");
	}

	@Test
	void patchWhenUserUnknownThenNotFoundInexistentUser() {
		patch("auth0|000000000000000000000000", """
				{"user_metadata":{"a":1}}""").expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.errorCode")
			.isEqualTo("inexistent_user");
	}

	@Test
	void patchWhenOnlyReadScopeThenForbiddenInsufficientScope() {
		this.client.patch()
			.uri("/api/v2/users/{id}", ALICE)
			.header("Authorization", bearer("read:users"))
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"user_metadata\":{\"a\":1}}")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("Insufficient scope, expected any of: "
					+ "update:users,update:users_app_metadata,update:current_user_metadata");
	}

	@Test
	void createWhenEmailAlreadyTakenThenConflict() {
		this.client.post()
			.uri("/api/v2/users")
			.header("Authorization", bearer("create:users"))
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("email", "ALICE@example.com", "password", "x", "connection",
					"Username-Password-Authentication"))
			.exchange()
			.expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("The user already exists.");
	}

	@Test
	void createWhenValidThenDatabaseUserWithGeneratedId() {
		String id = createUser(Map.of("app_metadata", Map.of("plan", "free")));
		assertThat(id).matches("auth0\\|[0-9a-f]{24}");
		assertThat(get(id)).containsEntry("app_metadata", Map.of("plan", "free"))
			.containsEntry("email_verified", false)
			.doesNotContainKey("password");
	}

	private RestTestClient.ResponseSpec patch(String id, String body) {
		return this.client.patch()
			.uri("/api/v2/users/{id}", id)
			.header("Authorization", bearer("update:users", "read:users"))
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.exchange();
	}

	private Map<String, Object> get(String id) {
		return this.client.get()
			.uri("/api/v2/users/{id}", id)
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(JSON_OBJECT)
			.getResponseBody();
	}

}
