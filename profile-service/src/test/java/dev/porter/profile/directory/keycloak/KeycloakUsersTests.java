package dev.porter.profile.directory.keycloak;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.metadata.MetadataPatch;
import dev.porter.profile.problem.DirectoryLimitException;
import dev.porter.profile.testsupport.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class KeycloakUsersTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final KeycloakUsers users = new KeycloakUsers("user_metadata.", this.mapper);

	private ObjectNode alice() {
		return (ObjectNode) this.mapper.readTree(Fixtures.read("keycloak/user-alice.json"));
	}

	private ObjectNode json(String text) {
		return (ObjectNode) this.mapper.readTree(text);
	}

	@Test
	void toDirectoryUserWhenRecordedUserThenProfileFieldsAndPrefixedAttributesAsMetadata() {
		ObjectNode user = this.users.toDirectoryUser(alice()).attributes();

		assertThat(user).isEqualTo(json("""
				{"user_id":"c3e6d6e6-8ca5-4383-b3ce-49a4107c3c46","username":"alice","email":"alice@example.com",
				 "email_verified":true,"given_name":"Alice","family_name":"Example",
				 "created_at":"2026-12-01T18:25:33.862Z",
				 "user_metadata":{"prefs":{"lang":"en","n":3},"theme":"dark"}}"""));
	}

	@Test
	void toDirectoryUserWhenAttributeIsNotJsonThenShownAsTheStringItIs() {
		DirectoryUser user = this.users
			.toDirectoryUser(json("{\"id\":\"1\",\"attributes\":{\"user_metadata.theme\":[\"dark\"]}}"));

		assertThat(user.attributes().at("/user_metadata/theme").asString()).isEqualTo("dark");
	}

	@Test
	void toDirectoryUserWhenFederatedIdentitiesThenIdentitiesWithoutTokens() {
		DirectoryUser user = this.users.toDirectoryUser(
				json("""
						{"id":"1","federatedIdentities":[{"identityProvider":"google","userId":"1035","userName":"a@b.c"}]}"""));

		assertThat(user.attributes().get("identities")).isEqualTo(
				this.mapper.readTree("[{\"provider\":\"google\",\"connection\":\"google\",\"user_id\":\"1035\"}]"));
	}

	@Test
	void withMetadataWhenKeysSetAndDeletedThenOnlyThoseAttributesChangeAndTheRestIsKept() {
		ObjectNode put = this.users.withMetadata(alice(),
				MetadataPatch.parse("{\"theme\":\"light\",\"prefs\":null,\"tags\":[1,\"a\"]}"));

		assertThat(put).isEqualTo(json("""
				{"username":"alice","firstName":"Alice","lastName":"Example","email":"alice@example.com",
				 "attributes":{"user_metadata.theme":["\\"light\\""],"department":["sales"],
				               "user_metadata.tags":["[1,\\"a\\"]"]}}"""));
	}

	// Keycloak's PUT sets whatever account state the body carries: the whole stale read
	// wrote back enabled (re-enabling an account an admin had just disabled, and clearing
	// a brute-force lockout), emailVerified and requiredActions. A field left out is
	// left as it is.
	@Test
	void withMetadataWhenTheUserHasAccountStateThenThePutCarriesNoneOfIt() {
		ObjectNode put = this.users.withMetadata(alice(), MetadataPatch.parse("{\"theme\":\"light\"}"));

		assertThat(put.propertyNames()).containsExactlyInAnyOrder("username", "firstName", "lastName", "email",
				"attributes");
	}

	@Test
	void withMetadataWhenUserHasNoAttributesThenCreatesThem() {
		ObjectNode put = this.users.withMetadata(json("{\"id\":\"1\",\"username\":\"bob\"}"),
				MetadataPatch.parse("{\"n\":1}"));

		assertThat(put).isEqualTo(json("{\"username\":\"bob\",\"attributes\":{\"user_metadata.n\":[\"1\"]}}"));
	}

	@Test
	void withMetadataWhenJsonTextIsExactlyTheLimitThenAccepted() {
		// 1023 emoji are 2046 UTF-16 units, Keycloak's unit of length; 2048
		// with the quotes.
		String value = "😀".repeat(1023);

		JsonNode attribute = this.users.withMetadata(alice(), MetadataPatch.parse("{\"e\":\"" + value + "\"}"))
			.at("/attributes/user_metadata.e/0");

		assertThat(attribute.asString()).hasSize(KeycloakUsers.MAX_VALUE_LENGTH);
	}

	@Test
	void withMetadataWhenValueLongerThanKeycloakStoresThenLimitProblemNamingEachKey() {
		String value = "😀".repeat(1024);

		assertThatExceptionOfType(DirectoryLimitException.class)
			.isThrownBy(
					() -> this.users.withMetadata(alice(), MetadataPatch.parse("{\"ok\":1,\"a/b\":\"" + value + "\"}")))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(422);
				assertThat(ex.getBody().getProperties()).extractingByKey("errors")
					.asString()
					.contains("pointer=/a~1b")
					.contains("2050");
			});
	}

	@Test
	void notStoredWhenKeycloakDroppedSetKeysThenNamesThemAndIgnoresDeletions() {
		MetadataPatch patch = MetadataPatch.parse("{\"theme\":\"light\",\"lang\":\"en\",\"prefs\":null}");

		assertThat(this.users.notStored(alice(), patch)).containsExactly("lang");
	}

}
