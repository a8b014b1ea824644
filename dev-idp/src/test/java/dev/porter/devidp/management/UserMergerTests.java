package dev.porter.devidp.management;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The PATCH merge table of Auth0's contract (§3), one row per test. */
class UserMergerTests {

	private static final Instant NOW = Instant.parse("2026-11-22T10:00:00.123Z");

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final UserMerger merger = new UserMerger(() -> NOW);

	@Test
	void applyWhenNewMetadataKeyThenMergedBesideExistingKeys() {
		ObjectNode merged = apply("""
				{"user_metadata":{"profileCode":1479}}""", """
				{"user_metadata":{"addresses":{"work_address":"100 Industrial Way"}}}""");
		assertThat(merged.get("user_metadata")).isEqualTo(json("""
				{"profileCode":1479,"addresses":{"work_address":"100 Industrial Way"}}"""));
	}

	@Test
	void applyWhenNestedObjectSentThenReplacedWholeNotMerged() {
		ObjectNode merged = apply(
				"""
						{"user_metadata":{"addresses":{"work_address":"100 Industrial Way","home_address":"742 Evergreen Terrace"}}}""",
				"""
						{"user_metadata":{"addresses":{"work_address":"1 Infinite Loop"}}}""");
		assertThat(merged.get("user_metadata")).isEqualTo(json("""
				{"addresses":{"work_address":"1 Infinite Loop"}}"""));
	}

	@Test
	void applyWhenMetadataValueNullThenKeyDeleted() {
		ObjectNode merged = apply("""
				{"user_metadata":{"color":"pink","size":"L"}}""", """
				{"user_metadata":{"color":null}}""");
		assertThat(merged.get("user_metadata")).isEqualTo(json("""
				{"size":"L"}"""));
	}

	@Test
	void applyWhenMetadataIsEmptyObjectThenMetadataWiped() {
		ObjectNode merged = apply("""
				{"app_metadata":{"plan":"pro","roles":["reader"]}}""", """
				{"app_metadata":{}}""");
		assertThat(merged.get("app_metadata")).isEqualTo(json("{}"));
	}

	@Test
	void applyWhenArraySentThenReplacedWhole() {
		ObjectNode merged = apply("""
				{"app_metadata":{"roles":["reader","writer"]}}""", """
				{"app_metadata":{"roles":["admin"]}}""");
		assertThat(merged.get("app_metadata")).isEqualTo(json("""
				{"roles":["admin"]}"""));
	}

	@Test
	void applyWhenOnlyUserMetadataSentThenAppMetadataAndRootUntouched() {
		ObjectNode merged = apply("""
				{"name":"Alice","user_metadata":{"a":1},"app_metadata":{"plan":"pro"}}""", """
				{"user_metadata":{"b":2}}""");
		assertThat(merged.get("app_metadata")).isEqualTo(json("""
				{"plan":"pro"}"""));
		assertThat(merged.get("name").asString()).isEqualTo("Alice");
	}

	@Test
	void applyWhenMetadataAbsentBeforeThenCreated() {
		ObjectNode merged = apply("{}", """
				{"user_metadata":{"theme":"dark"}}""");
		assertThat(merged.get("user_metadata")).isEqualTo(json("""
				{"theme":"dark"}"""));
	}

	@Test
	void applyWhenRootAttributeSentThenReplaced() {
		ObjectNode merged = apply("""
				{"given_name":"Alice","nickname":"al"}""", """
				{"given_name":"Alicia"}""");
		assertThat(merged.get("given_name").asString()).isEqualTo("Alicia");
		assertThat(merged.get("nickname").asString()).isEqualTo("al");
	}

	@Test
	void applyWhenRootAttributeNullThenUnset() {
		ObjectNode merged = apply("""
				{"given_name":"Alice","family_name":"Example"}""", """
				{"family_name":null}""");
		assertThat(merged.has("family_name")).isFalse();
		assertThat(merged.has("given_name")).isTrue();
	}

	@Test
	void applyWhenClockNotPastStoredUpdatedAtThenUpdatedAtStillAdvances() {
		ObjectNode merged = apply("""
				{"updated_at":"2026-11-22T10:00:00.123Z"}""", """
				{"user_metadata":{"a":1}}""");
		assertThat(merged.get("updated_at").asString()).isEqualTo("2026-11-22T10:00:00.124Z");
	}

	@Test
	void applyWhenWrittenThenUpdatedAtIsNowWithMilliseconds() {
		ObjectNode merged = apply("""
				{"updated_at":"2026-01-01T00:00:00.000Z"}""", """
				{"name":"A"}""");
		assertThat(merged.get("updated_at").asString()).isEqualTo("2026-11-22T10:00:00.123Z");
	}

	@Test
	void applyWhenPasswordAndInstructionsSentThenNotStored() {
		ObjectNode merged = apply("""
				{"identities":[{"provider":"auth0"}]}""", """
				{"password":"s3cret","connection":"Username-Password-Authentication","verify_email":false}""");
		assertThat(merged.has("password")).isFalse();
		assertThat(merged.has("connection")).isFalse();
		assertThat(merged.has("verify_email")).isFalse();
	}

	@Test
	void applyWhenEmailChangedThenLowerCasedAndUnverified() {
		ObjectNode merged = apply("""
				{"email":"a@example.com","email_verified":true,"identities":[{"provider":"auth0"}]}""", """
				{"email":"New@Example.com"}""");
		assertThat(merged.get("email").asString()).isEqualTo("new@example.com");
		assertThat(merged.get("email_verified").asBoolean()).isFalse();
	}

	@Test
	void applyWhenEmailOfSocialUserThenBadRequest() {
		assertThatExceptionOfType(ManagementApiException.class).isThrownBy(() -> apply("""
				{"identities":[{"provider":"google-oauth2"}]}""", """
				{"email":"x@example.com"}""")).withMessage("Cannot update email for non-database user");
	}

	private ObjectNode apply(String stored, String patch) {
		return this.merger.apply((ObjectNode) json(stored), (ObjectNode) json(patch));
	}

	private JsonNode json(String json) {
		return this.mapper.readTree(json);
	}

}
