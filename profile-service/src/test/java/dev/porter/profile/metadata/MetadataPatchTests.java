package dev.porter.profile.metadata;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MetadataPatchTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private ObjectNode object(String json) {
		return (ObjectNode) this.mapper.readTree(json);
	}

	@Test
	void applyToWhenValueIsNullThenRemovesKey() {
		MetadataPatch patch = MetadataPatch.parse("{\"theme\":null}");
		assertThat(patch.applyTo(object("{\"theme\":\"dark\",\"country\":\"NZ\"}"), this.mapper))
			.isEqualTo(object("{\"country\":\"NZ\"}"));
	}

	@Test
	void applyToWhenNestedObjectThenReplacedWholeAsAuth0Does() {
		MetadataPatch patch = MetadataPatch.parse("{\"addresses\":{\"home\":\"742 Evergreen Terrace\"}}");
		ObjectNode current = object("{\"profileCode\":1479,\"addresses\":{\"work\":\"100 Industrial Way\"}}");
		assertThat(patch.applyTo(current, this.mapper))
			.isEqualTo(object("{\"profileCode\":1479,\"addresses\":{\"home\":\"742 Evergreen Terrace\"}}"));
	}

	@Test
	void deltaWhenParsedThenIsExactlyTheBody() {
		assertThat(MetadataPatch.parse("{\"a\":1,\"b\":null}").delta()).isEqualTo(object("{\"a\":1,\"b\":null}"));
	}

	@Test
	void parseWhenNestingIsFiveLevelsThenAccepted() {
		assertThat(MetadataPatch.parse("{\"a\":{\"b\":{\"c\":{\"d\":[1]}}}}").delta()).isNotNull();
	}

	@Test
	void parseWhenArrayNestsTooDeepThenPointerIncludesIndex() {
		assertThatExceptionOfType(MetadataRefusedException.class)
			.isThrownBy(() -> MetadataPatch.parse("{\"a\":[[[[{\"x\":1}]]]]}"))
			.satisfies((ex) -> assertThat(ex.violations().toString()).contains("/a/0/0/0/0"));
	}

	@Test
	void parseWhenKeyHasSlashOrTildeThenPointerEscaped() {
		assertThat(MetadataPatch.pointer("", "a/b~c")).isEqualTo("/a~1b~0c");
	}

	@Test
	void parseWhenValueContainsDotThenAccepted() {
		assertThat(MetadataPatch.parse("{\"color\":\"light.blue\"}").delta().get("color").asString())
			.isEqualTo("light.blue");
	}

	@Test
	void parseWhenBodyOverSixteenKibThenPayloadTooLarge() {
		String body = "{\"a\":\"" + "x".repeat(MetadataPatch.MAX_BODY_BYTES) + "\"}";
		assertThatExceptionOfType(MetadataBodyTooLargeException.class).isThrownBy(() -> MetadataPatch.parse(body));
	}

	@Test
	void parseWhenRootAttributeNamedThenRejectedAsReserved() {
		assertThatExceptionOfType(MetadataRefusedException.class)
			.isThrownBy(() -> MetadataPatch.parse("{\"name\":\"x\",\"theme\":\"dark\"}"))
			.satisfies((ex) -> assertThat(ex.violations().toString()).contains("/name").doesNotContain("/theme"));
	}

	// Another client (Lock's custom sign-up fields, an Action, an older app) may have
	// stored keys this endpoint would not let anyone set. Their owner sees them in GET
	// /me
	// and must be able to delete them: a deletion adds nothing.
	@ParameterizedTest
	@ValueSource(strings = { "name", "email", "zero\u200bwidth",
			"a-key-longer-than-a-hundred-characters-a-key-longer-than-a-hundred-characters-a-key-longer-than-a-hundred" })
	void parseWhenAKeyThatCannotBeSetIsDeletedThenAccepted(String key) {
		MetadataPatch patch = MetadataPatch.parse("{\"" + key + "\":null}");

		assertThat(patch.deletesOnly()).isTrue();
		assertThat(patch.applyTo(object("{\"" + key + "\":\"old\",\"theme\":\"dark\"}"), this.mapper))
			.isEqualTo(object("{\"theme\":\"dark\"}"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"a.b\":null}", "{\"a$b\":null}", "{\"\":null}", "{\"constructor\":null}",
			"{\"__proto__\":null}", "{\"prefs\":{\"name-that-is-fine\":1,\"constructor\":null}}" })
	void parseWhenADeletedKeyAuth0CannotHoldOrAPrototypeNameOrNestedThenStillRejected(String body) {
		assertThatExceptionOfType(MetadataRefusedException.class).isThrownBy(() -> MetadataPatch.parse(body));
	}

	@Test
	void applyToWhenResultOverTenKibThenRejected() {
		MetadataPatch patch = MetadataPatch.parse("{\"b\":\"" + "y".repeat(6000) + "\"}");
		assertThatExceptionOfType(MetadataRefusedException.class)
			.isThrownBy(() -> patch.applyTo(object("{\"a\":\"" + "x".repeat(6000) + "\"}"), this.mapper));
	}

	// Metadata another client took past the budget: a change that sets a key but does
	// not grow it was refused, and only deletions were left.
	@ParameterizedTest
	@ValueSource(strings = { "{\"theme\":\"aqua\"}", "{\"theme\":\"red\"}", "{\"theme\":null}", "{\"theme\":\"\"}" })
	void applyToWhenAlreadyOverTenKibAndTheResultIsNoLargerThenApplied(String body) {
		ObjectNode current = object("{\"notes\":\"" + "x".repeat(10_500) + "\",\"theme\":\"dark\"}");
		assertThat(MetadataPatch.parse(body).applyTo(current, this.mapper).path("notes").asString()).hasSize(10_500);
	}

	// Each checked against the same metadata, "drop theme, set t" and "drop theme, set
	// u" looked no larger, and Auth0 merged both: while over the budget, a deletion
	// earns no credit.
	@ParameterizedTest
	@ValueSource(strings = { "{\"theme\":null,\"t\":\"dark\"}", "{\"theme\":null,\"t\":\"\"}",
			"{\"theme\":\"\",\"big\":null,\"t\":1}" })
	void applyToWhenAlreadyOverTenKibAndTheChangeSetsAKeyItDoesNotHaveThenRejected(String body) {
		ObjectNode current = object(
				"{\"notes\":\"" + "x".repeat(10_500) + "\",\"theme\":\"dark\",\"big\":\"" + "x".repeat(100) + "\"}");
		assertThatExceptionOfType(MetadataRefusedException.class)
			.isThrownBy(() -> MetadataPatch.parse(body).applyTo(current, this.mapper));
	}

	@Test
	void applyToWhenAlreadyOverTenKibAndTheResultIsLargerThenRejectedNamingTheStoredSize() {
		ObjectNode current = object("{\"notes\":\"" + "x".repeat(10_500) + "\",\"theme\":\"dark\"}");
		assertThatExceptionOfType(MetadataRefusedException.class)
			.isThrownBy(() -> MetadataPatch.parse("{\"theme\":\"light\"}").applyTo(current, this.mapper))
			.satisfies((ex) -> assertThat(ex.violations()).singleElement()
				.extracting(Violation::detail)
				.asString()
				.containsPattern("it holds \\d{5} now")
				.contains("only deleting keys or giving the keys it has values no larger"));
	}

	// Her profile taken past the whole-profile budget by other writers (an Action, linked
	// identities; see ProfileSizeBudgetTests): a change that sets a key goes only if it
	// grows no key she has, whatever it deletes.
	@ParameterizedTest
	@MethodSource("changesOfAnOversizedProfile")
	void growsNoKeyWhenHerProfileIsOversizedThenTrueOnlyForKeysSheHasGivenValuesNoLarger(String body,
			boolean growsNoKey) {
		ObjectNode current = object(
				"{\"favourite_attack\":\"roundhouse_kick\",\"note\":\"" + "x".repeat(2_000) + "\"}");
		assertThat(MetadataPatch.parse(body).growsNoKey(current, this.mapper)).isEqualTo(growsNoKey);
	}

	static Stream<Arguments> changesOfAnOversizedProfile() {
		return Stream.of(
				// a value of a key she has made shorter, another key deleted
				Arguments.of("{\"favourite_attack\":null,\"note\":\"short\"}", true),
				// a value swapped for one of the same size
				Arguments.of("{\"favourite_attack\":\"roundhouse_chop\"}", true),
				// a long note swapped for a short one
				Arguments.of("{\"note\":\"short note\"}", true),
				// a deletion earns no credit towards a key she does not have, smaller or
				// larger than the one deleted
				Arguments.of("{\"favourite_attack\":null,\"b\":\"x\"}", false),
				Arguments.of("{\"favourite_attack\":null,\"b\":\"" + "x".repeat(40) + "\"}", false));
	}

}
