package dev.porter.devidp.management;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v2/users} (search with {@code q}) and {@code GET
 * /api/v2/users-by-email}, as an application's backend calls them.
 */
class ManagementApiSearchTests extends ManagementApiTestSupport {

	private static final ParameterizedTypeReference<List<Map<String, Object>>> JSON_ARRAY = new ParameterizedTypeReference<>() {
	};

	@Test
	void listWhenQueryMatchesEmailThenOnlyThatUser() {
		List<Map<String, Object>> users = list("email:\"alice@example.com\"");
		assertThat(users).extracting((user) -> user.get("user_id")).containsExactly(ALICE);
	}

	@Test
	void listWhenMetadataPrefixAndOrThenEveryMatchingUser() {
		String tag = "tag" + System.nanoTime();
		String first = createUser(Map.of("app_metadata", Map.of("team", tag + "-red")));
		String second = createUser(Map.of("user_metadata", Map.of("nick", tag + "-blue")));
		createUser(Map.of("app_metadata", Map.of("team", "other")));

		List<Map<String, Object>> users = list("app_metadata.team:" + tag + "* OR user_metadata.nick:" + tag + "*");

		assertThat(users).extracting((user) -> user.get("user_id"))
			.containsExactlyElementsOf(List.of(first, second).stream().sorted().toList());
	}

	@Test
	void listWhenIncludeTotalsThenPageOfResultsWithTotal() {
		String tag = "page" + System.nanoTime();
		for (int i = 0; i < 3; i++) {
			createUser(Map.of("user_metadata", Map.of("batch", tag)));
		}
		this.client.get()
			.uri("/api/v2/users?q=user_metadata.batch:" + tag + "&page=1&per_page=2&include_totals=true")
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.start")
			.isEqualTo(2)
			.jsonPath("$.limit")
			.isEqualTo(2)
			.jsonPath("$.length")
			.isEqualTo(1)
			.jsonPath("$.total")
			.isEqualTo(3)
			.jsonPath("$.users.length()")
			.isEqualTo(1);
	}

	@Test
	void listWhenQueryMalformedThenAuth0BadRequest() {
		this.client.get()
			.uri("/api/v2/users?q=email:(alice")
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errorCode")
			.isEqualTo("invalid_query_string");
	}

	@Test
	void listWhenTokenLacksReadUsersThenForbiddenNamingIt() {
		this.client.get()
			.uri("/api/v2/users?q=email:alice*")
			.header("Authorization", bearer("read:current_user"))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("Insufficient scope, expected any of: read:users");
	}

	// The scope rules named GET only, and Spring MVC serves HEAD with the GET handler: a
	// user holding a token for their own record (read:current_user) searched everyone's
	// by the length of answers withheld from them ("[]" or more), one character at a
	// time.
	@ParameterizedTest
	@ValueSource(
			strings = { "/api/v2/users?q=email:alice*&per_page=1", "/api/v2/users-by-email?email=alice@example.com" })
	void searchWhenHeadWithoutReadUsersThenForbiddenAsForGet(String search) {
		this.client.head()
			.uri(search)
			.header("Authorization", bearer("read:current_user"))
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	void readUserWhenHeadForAnotherUsersRecordThenForbiddenAsForGet() {
		this.client.head()
			.uri("/api/v2/users/{id}", ALICE)
			.header("Authorization", bearer("read:users_app_metadata"))
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	void usersByEmailWhenEmailDiffersInCaseThenUser() {
		List<Map<String, Object>> users = this.client.get()
			.uri("/api/v2/users-by-email?email={email}", "Alice@Example.com")
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(JSON_ARRAY)
			.getResponseBody();
		assertThat(users).extracting((user) -> user.get("user_id")).containsExactly(ALICE);
	}

	@Test
	void usersByEmailWhenNoEmailThenAuth0BadRequest() {
		this.client.get()
			.uri("/api/v2/users-by-email")
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errorCode")
			.isEqualTo("invalid_query_string");
	}

	@Test
	void usersByEmailWhenTokenLacksReadUsersThenForbidden() {
		this.client.get()
			.uri("/api/v2/users-by-email?email=alice@example.com")
			.header("Authorization", bearer("read:current_user"))
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	private List<Map<String, Object>> list(String q) {
		return this.client.get()
			.uri("/api/v2/users?q={q}&search_engine=v3&sort=user_id:1", q)
			.header("Authorization", bearer("read:users"))
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(JSON_ARRAY)
			.getResponseBody();
	}

}
