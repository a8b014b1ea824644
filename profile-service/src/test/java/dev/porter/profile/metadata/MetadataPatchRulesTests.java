package dev.porter.profile.metadata;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The parser rules of {@link MetadataPatch} one by one, with the pointer each refusal
 * names; the e2e corpus (e2e/src/test/resources/corpus) sends the same kinds of bodies
 * through the running services.
 */
class MetadataPatchRulesTests {

	private static List<String> pointersOf(byte[] body, @Nullable String charset) {
		return pointersOf(body, charset, PatchMediaType.JSON);
	}

	private static List<String> pointersOf(byte[] body, @Nullable String charset, PatchMediaType mediaType) {
		MetadataRefusedException refused = org.junit.jupiter.api.Assertions.assertThrows(MetadataRefusedException.class,
				() -> MetadataPatch.parse(body, charset, mediaType));
		return refused.violations().stream().map(Violation::pointer).toList();
	}

	private static List<String> pointersOfMergePatch(String body) {
		return pointersOf(body.getBytes(StandardCharsets.UTF_8), null, PatchMediaType.MERGE_PATCH);
	}

	private static JsonNode acceptedAsMergePatch(String body) {
		return MetadataPatch.parse(body.getBytes(StandardCharsets.UTF_8), null, PatchMediaType.MERGE_PATCH).delta();
	}

	private static List<String> pointersOf(String body) {
		return pointersOf(body.getBytes(StandardCharsets.UTF_8), null);
	}

	private static JsonNode accepted(String body) {
		return MetadataPatch.parse(body).delta();
	}

	@ParameterizedTest
	@ValueSource(strings = { "7b2261223a22fc227d", // latin-1 ü
			"7b2261223a22c0af227d", // overlong '/'
			"7b2261223a22c080227d", // overlong NUL (modified UTF-8)
			"7b2261223a22eda080227d", // encoded lone surrogate
			"7b2261223a22eda0bdedb880227d", // CESU-8 pair
			"7b2261223a22f4908080227d", // past U+10FFFF
			"7b2261223a22ff227d", // never valid
			"7b2261223a22e282", // truncated at the end
			"feff007b0022006100220031007d", // UTF-16BE with BOM
			"efbbbf7b2261223a317d" }) // UTF-8 BOM
	void parseWhenBytesAreNotPlainUtf8ThenWholeBodyRefused(String hex) {
		assertThat(pointersOf(HexFormat.of().parseHex(hex), null)).containsExactly("");
	}

	@Test
	void parseWhenUtf16WithoutBomThenRefusedAsNotJson() {
		byte[] utf16 = "{\"a\":1}".getBytes(StandardCharsets.UTF_16BE);
		assertThat(pointersOf(utf16, null)).containsExactly("");
	}

	@ParameterizedTest
	@ValueSource(strings = { "ISO-8859-1", "utf-16", "UTF-16LE", "utf-7", "utf8", "" })
	void parseWhenDeclaredCharsetIsNotUtf8ThenRefusedEvenForAsciiBody(String charset) {
		assertThat(pointersOf("{\"a\":1}".getBytes(StandardCharsets.US_ASCII), charset)).containsExactly("");
	}

	@ParameterizedTest
	@ValueSource(strings = { "utf-8", "UTF-8", "\"utf-8\"" })
	void parseWhenDeclaredCharsetIsUtf8ThenAccepted(String charset) {
		assertThat(MetadataPatch
			.parse("{\"city\":\"Zürich\"}".getBytes(StandardCharsets.UTF_8), charset, PatchMediaType.JSON)
			.delta()
			.get("city")
			.asString()).isEqualTo("Zürich");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "{\"n\":1e999999}|/n", "{\"n\":-1e400}|/n", "{\"n\":1e-999999}|/n", "{\"n\":2e308}|/n",
					"{\"n\":9007199254740992}|/n", "{\"n\":-9007199254740992}|/n", "{\"n\":-9223372036854775808}|/n",
					"{\"n\":123456789012345678901234567890}|/n", "{\"a\":[0,{\"n\":1e999}]}|/a/1/n", "{\"n\":NaN}|/n",
					"{\"n\":Infinity}|/n", "{\"n\":-Infinity}|/n", "{\"n\":01}|/n", "{\"n\":+1}|/n", "{\"n\":.5}|/n",
					"{\"n\":1.}|/n", "{\"n\":0x1}|/n", "{\"n\":1e99999999999}|/n" })
	void parseWhenNumberCannotBeKeptAsJavaScriptDoubleThenRefusedAtIt(String body, String pointer) {
		assertThat(pointersOf(body)).containsExactly(pointer);
	}

	@Test
	void parseWhenNumberHasOverThousandDigitsThenRefusedAtIt() {
		assertThat(pointersOf("{\"n\":" + "9".repeat(1100) + "}")).containsExactly("/n");
	}

	// Stored as the nearest double, they came back as another number (9007199254740992,
	// 12345678901234567000, 0.3), while the same integers without a fraction were
	// refused at /n.
	@ParameterizedTest
	@ValueSource(strings = { "9007199254740993.0", "-9007199254740993.0", "1.2345678901234567890e19",
			"0.30000000000000001", "0.10000000000000001", "4.9e-324", "1.00000000000000001" })
	void parseWhenNumberHasMorePrecisionThanADoubleKeepsThenRefusedAtIt(String number) {
		assertThat(pointersOf("{\"n\":" + number + "}")).containsExactly("/n");
	}

	// What JSON.stringify writes for a number is always its shortest round-trip form.
	@ParameterizedTest
	@ValueSource(strings = { "0.30000000000000004", "0.1", "123.456", "1.50", "9007199254740992.0", "1e21", "1.5e300",
			"5e-324", "2.2250738585072014e-308", "-0.0", "5.960464477539063e-8", "5.684341886080802e-14",
			"6.189700196426902e+26" })
	void parseWhenNumberIsWhatJavaScriptWritesForItsDoubleThenAccepted(String number) {
		assertThat(accepted("{\"n\":" + number + "}").get("n").asDouble()).isEqualTo(Double.parseDouble(number));
	}

	@Test
	void parseWhenNumbersAtTheEdgesThenKeptAsJavaScriptWould() {
		JsonNode delta = accepted("{\"max\":9007199254740991,\"min\":-9007199254740991,\"big\":1.7976931348623157e308,"
				+ "\"tiny\":5e-324,\"zero\":-0,\"negzero\":-0.0,\"exp\":1e2,\"tenth\":0.1}");
		assertThat(delta.get("max").asLong()).isEqualTo(9007199254740991L);
		assertThat(delta.get("min").asLong()).isEqualTo(-9007199254740991L);
		assertThat(delta.get("big").asDouble()).isEqualTo(Double.MAX_VALUE);
		assertThat(delta.get("tiny").asDouble()).isEqualTo(Double.MIN_VALUE);
		assertThat(delta.get("zero").toString()).isEqualTo("0");
		assertThat(delta.get("negzero").toString()).as("-0.0 is stored as JSON.stringify would").isEqualTo("0.0");
		assertThat(delta.get("exp").asDouble()).isEqualTo(100.0);
		assertThat(delta.get("tenth").toString()).isEqualTo("0.1");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "{\"a\":\"x\\u0000y\"}|/a", "{\"a\":\"\\u001b[31m\"}|/a",
			"{\"a\":\"\\u007f\"}|/a", "{\"a\":[\"\\u0085\"]}|/a/0", "{\"a\":\"\\ud800\"}|/a", "{\"a\":\"\\udc00x\"}|/a",
			"{\"a\":\"\\udc00\\ud800\"}|/a", "{\"a\":\"\\uffff\"}|/a", "{\"a\":\"\\ufdd0\"}|/a",
			"{\"a\":\"\\ud83f\\udfff\"}|/a", "{\"the\\u200bme\":1}|/the\u200bme", "{\"\\u202eemeht\":1}|/\u202eemeht",
			"{\"\\ufeffa\":1}|/\ufeffa", "{\"a\\u00adb\":1}|/a\u00adb", "{\"cafe\\u0301\":1}|/cafe\u0301" })
	void parseWhenStringHoldsForbiddenCodePointThenRefusedAtIt(String body, String pointer) {
		assertThat(pointersOf(body)).containsExactly(pointer);
	}

	@Test
	void parseWhenKeyHoldsEscapedControlCharacterThenRefusedAtIt() {
		assertThat(pointersOf("{\"a\\u0000b\":1}")).containsExactly("/a\u0000b");
		assertThat(pointersOf("{\"a\\nb\":1}")).containsExactly("/a\nb");
		assertThat(pointersOf("{\"a\\tb\":1}")).containsExactly("/a\tb");
	}

	@Test
	void parseWhenRawControlCharacterInStringThenRefusedAtIt() {
		assertThat(pointersOf("{\"a\":\"x\ty\"}")).containsExactly("/a");
		assertThat(pointersOf("{\"a\":\"x\u0000y\"}")).containsExactly("/a");
	}

	@Test
	void parseWhenKeyHasLoneSurrogateThenPointerShowsReplacementCharacter() {
		assertThat(pointersOf("{\"\\ud800\":1}")).containsExactly("/\uFFFD");
	}

	@Test
	void parseWhenTextIsOrdinaryUnicodeThenAccepted() {
		JsonNode delta = accepted("{\"address\":\"1 Main St\\nApt 2\\tB\\r\",\"שם\":\"\u202bשלום\u202c\","
				+ "\"emoji_😀\":\"😀\",\"café\":\"ok\"}");
		assertThat(delta.get("address").asString()).isEqualTo("1 Main St\nApt 2\tB\r");
		assertThat(delta.get("שם").asString()).as("bidi controls are kept in values").contains("\u202b");
		assertThat(delta.get("emoji_😀").asString()).isEqualTo("😀");
		assertThat(delta.has("café")).isTrue();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "{\"theme\":1,\"theme\":2}|/theme", "{\"a\":{\"x\":1,\"x\":2}}|/a/x",
					"{\"theme\":1,\"\\u0074heme\":2}|/theme", "{\"a\":[{\"k\":1},{\"k\":1,\"k\":2}]}|/a/1/k",
					"{\"__proto__\":{\"admin\":true}}|/__proto__", "{\"a\":{\"__proto__\":1}}|/a/__proto__",
					"{\"a\":[{\"constructor\":1}]}|/a/0/constructor", "{\"prototype\":1}|/prototype" })
	void parseWhenKeyDuplicatedOrPrototypeNameThenRefusedAtIt(String body, String pointer) {
		assertThat(pointersOf(body)).containsExactly(pointer);
	}

	@Test
	void parseWhenKeyMerelyContainsProtoThenAccepted() {
		assertThat(accepted("{\"my__proto__\":1,\"constructors\":2}").size()).isEqualTo(2);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "{/*c*/\"a\":1}|''", "{'a':1}|''", "{\"a\":'x'}|/a", "{a:1}|''", "{\"a\":1,}|/a", "{\"a\":}|/a",
					"{\"a\":\"\\x41\"}|/a", "{\"a\":True}|/a", "{\"a\":1|/a", "{\"a\":1}x|''", "{\"a\":1}{\"b\":2}|''",
					"{\"a\":1},|''", "null|''", "[1]|''", "\"s\"|''", "1|''", "' '|''" })
	void parseWhenNotOneStrictJsonObjectThenRefusedWithPointer(String body, String pointer) {
		assertThat(pointersOf(body)).containsExactly(pointer);
	}

	@Test
	void parseWhenBodyEmptyThenWholeBodyRefused() {
		assertThat(pointersOf(new byte[0], null)).containsExactly("");
	}

	@Test
	void parseWhenNestingThousandsDeepThenRefusedAtTheLimitWithoutReadingOn() {
		String body = "{\"a\":" + "[".repeat(8000) + "]".repeat(8000) + "}";
		assertThat(pointersOf(body)).containsExactly("/a/0/0/0/0");
	}

	@Test
	void parseWhenManyKeysBadThenOnlyFirstTwentyReported() {
		StringBuilder body = new StringBuilder("{");
		for (int i = 0; i < 500; i++) {
			body.append("\"k.").append(i).append("\":1,");
		}
		body.append("\"z\":1}");
		assertThat(pointersOf(body.toString())).hasSize(Violations.MAX_REPORTED).startsWith("/k.0", "/k.1");
	}

	@Test
	void parseWhenValuesSetExceedMetadataBudgetThenRefusedBeforeAnyLookup() {
		StringBuilder body = new StringBuilder("{");
		for (int i = 0; i < 1000; i++) {
			body.append("\"k").append(i).append("\":12345,");
		}
		body.append("\"z\":1}");
		assertThat(pointersOf(body.toString())).containsExactly("");
	}

	@Test
	void parseWhenManyDeletionsThenNotCountedAgainstBudget() {
		StringBuilder body = new StringBuilder("{");
		for (int i = 0; i < 1000; i++) {
			body.append("\"k").append(i).append("\":null,");
		}
		body.append("\"z\":1}");
		assertThat(accepted(body.toString()).size()).isEqualTo(1001);
	}

	// RFC 7396 merges an object value key by key; Auth0 replaces it whole.
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "{\"address\":{\"city\":\"Wellington\"}}|/address",
			"{\"address\":{}}|/address", "{\"a\":1,\"b\":{\"c\":[1]},\"d\":{}}|/b /d" })
	void parseWhenMergePatchSetsAnObjectThenRefusedAtEach(String body, String pointers) {
		assertThat(pointersOfMergePatch(body)).containsExactly(pointers.split(" "));
	}

	@Test
	void parseWhenMergePatchSetsAReservedNameToAnObjectThenRefusedOnceAsReserved() {
		assertThat(pointersOfMergePatch("{\"app_metadata\":{\"plan\":\"pro\"}}")).containsExactly("/app_metadata");
	}

	@Test
	void parseWhenMergePatchHoldsNoObjectValueThenAcceptedAsJsonWouldBe() {
		String body = "{\"theme\":\"dark\",\"old\":null,\"n\":1,\"tags\":[\"a\",null,{\"k\":[1]}]}";
		assertThat(acceptedAsMergePatch(body)).isEqualTo(accepted(body));
	}

	@Test
	void parseWhenJsonSetsAnObjectThenAcceptedToReplaceTheStoredOne() {
		assertThat(
				accepted("{\"address\":{\"city\":\"Wellington\"},\"empty\":{}}").get("address").get("city").asString())
			.isEqualTo("Wellington");
	}

	// Whether Auth0 stores or strips a null inside an object it replaces is
	// undocumented; RFC 7396 would delete the member.
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "JSON|{\"a\":{\"b\":null}}|/a/b", "JSON|{\"a\":{\"b\":{\"c\":null}}}|/a/b/c",
			"JSON|{\"a\":[{\"b\":null}]}|/a/0/b", "JSON|{\"a\":{\"b\":1,\"c\":null,\"d\":null}}|/a/c /a/d",
			"MERGE_PATCH|{\"a\":[{\"b\":null}]}|/a/0/b", "MERGE_PATCH|{\"a\":[{\"b\":[{\"c\":null}]}]}|/a/0/b/0/c" })
	void parseWhenNullNestedInAnObjectThenRefusedAtIt(PatchMediaType mediaType, String body, String pointers) {
		assertThat(pointersOf(body.getBytes(StandardCharsets.UTF_8), null, mediaType))
			.containsExactly(pointers.split(" "));
	}

	@Test
	void parseWhenNullIsAnArrayElementOrTopLevelThenAccepted() {
		JsonNode delta = accepted("{\"gone\":null,\"list\":[null,1]}");
		assertThat(delta.get("gone").isNull()).isTrue();
		assertThat(delta.get("list").get(0).isNull()).isTrue();
	}

	// "Longer than 100 characters", counted as a reader counts them (and as dev-idp
	// counts Auth0's string limits): code points, not the two UTF-16 units each
	// character past U+FFFF takes.
	@ParameterizedTest
	@ValueSource(ints = { 60, 100 })
	void parseWhenKeyIsAtMostHundredCharactersPastTheBmpThenAccepted(int characters) {
		String key = "\uD83D\uDE00".repeat(characters);
		assertThat(accepted("{\"" + key + "\":1}").has(key)).isTrue();
	}

	@Test
	void parseWhenKeyIsHundredAndOneCharactersPastTheBmpThenRefusedAtIt() {
		String key = "\uD83D\uDE00".repeat(100) + "\uD800\uDC00";
		assertThat(pointersOf("{\"" + key + "\":1}")).containsExactly("/" + key);
	}

	@Test
	void parseWhenKeyIsHundredAndOneAsciiCharactersThenRefusedAtIt() {
		assertThat(pointersOf("{\"" + "k".repeat(101) + "\":1}")).containsExactly("/" + "k".repeat(101));
		assertThat(accepted("{\"" + "k".repeat(100) + "\":1}").size()).isEqualTo(1);
	}

}
