package dev.porter.devidp.management;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** Auth0's payload schema and metadata rules (contract §3 and §4) as 400s. */
class UserPayloadValidatorTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final UserPayloadValidator validator = new UserPayloadValidator();

	@ParameterizedTest
	@ValueSource(strings = { "{\"user_metadata\":{\"preference.color\":\"pink\"}}",
			"{\"user_metadata\":{\"$where\":1}}", "{\"app_metadata\":{\"prefs\":{\"deep\":{\"a.b\":1}}}}",
			"{\"user_metadata\":{\"list\":[{\"$set\":1}]}}" })
	void validatePatchWhenMetadataKeyHasDotOrDollarThenInvalidBody(String body) {
		assertInvalidBody(body, "must not contain");
	}

	@ParameterizedTest
	@ValueSource(strings = { "email", "user_id", "identities", "blocked", "__tenant", "loginsCount" })
	void validatePatchWhenAppMetadataKeyReservedThenInvalidBody(String key) {
		assertInvalidBody("{\"app_metadata\":{\"" + key + "\":1}}", "is reserved");
	}

	@Test
	void validatePatchWhenReservedNameInUserMetadataThenAccepted() {
		assertThatNoException().isThrownBy(() -> this.validator.validatePatch(json("""
				{"user_metadata":{"email":"x","color":"light.blue"}}""")));
	}

	@Test
	void validatePatchWhenNotAnObjectThenInvalidBody() {
		assertInvalidBody("\"hello\"", "Expected type object but found type string");
	}

	@Test
	void validatePatchWhenUnknownAttributeThenInvalidBody() {
		assertInvalidBody("{\"shoe_size\":44}", "Additional properties not allowed: shoe_size");
	}

	@Test
	void validatePatchWhenMetadataNullThenInvalidBody() {
		assertInvalidBody("{\"user_metadata\":null}", "Expected type object but found type null");
	}

	@Test
	void validatePatchWhenWrongTypeThenInvalidBody() {
		assertInvalidBody("{\"blocked\":\"yes\"}", "Expected type boolean but found type string");
	}

	@Test
	void validatePatchWhenNameTooLongThenInvalidBody() {
		assertInvalidBody("{\"name\":\"" + "n".repeat(301) + "\"}", "String is too long (301 chars), maximum 300");
	}

	@Test
	void validatePatchWhenPhoneNotE164ThenInvalidBody() {
		assertInvalidBody("{\"phone_number\":\"0211234567\"}", "phone");
	}

	@Test
	void validatePatchWhenEmailAndPasswordTogetherThenRefused() {
		assertInvalidBody("{\"email\":\"a@example.com\",\"password\":\"x\"}",
				"Cannot update password and email simultaneously");
	}

	@Test
	void validateCreateWhenPasswordMissingThenInvalidBody() {
		assertThatExceptionOfType(ManagementApiException.class).isThrownBy(() -> this.validator.validateCreate(json("""
				{"email":"a@example.com","connection":"Username-Password-Authentication"}""")))
			.withMessage("Payload validation error: 'Missing required property: password'.");
	}

	private void assertInvalidBody(String body, String messagePart) {
		assertThatExceptionOfType(ManagementApiException.class)
			.isThrownBy(() -> this.validator.validatePatch(json(body)))
			.satisfies((ex) -> {
				assertThat(ex.status()).isEqualTo(HttpStatus.BAD_REQUEST);
				assertThat(ex.toError().errorCode()).isEqualTo("invalid_body");
				assertThat(ex.getMessage()).contains(messagePart);
			});
	}

	private JsonNode json(String json) {
		return this.mapper.readTree(json);
	}

}
