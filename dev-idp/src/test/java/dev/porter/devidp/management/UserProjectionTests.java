package dev.porter.devidp.management;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class UserProjectionTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void parseWhenIncludeFieldsAbsentThenFieldsIncluded() {
		ObjectNode user = user();
		assertThat(UserProjection.parse("email, name", null).apply(user).propertyNames())
			.containsExactlyInAnyOrder("email", "name");
	}

	@Test
	void parseWhenFieldsEmptyThenWholeUser() {
		assertThat(UserProjection.parse("", "false").apply(user()).size()).isEqualTo(user().size());
	}

	@Test
	void parseWhenIncludeFieldsNotBooleanThenInvalidQueryString() {
		assertThatExceptionOfType(ManagementApiException.class).isThrownBy(() -> UserProjection.parse("email", "maybe"))
			.satisfies((ex) -> assertThat(ex.toError().errorCode()).isEqualTo("invalid_query_string"));
	}

	private ObjectNode user() {
		return (ObjectNode) this.mapper.readTree("""
				{"user_id":"auth0|1","email":"a@example.com","name":"A","user_metadata":{}}""");
	}

}
