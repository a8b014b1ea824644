package dev.porter.gateway.login;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ReturnToTests {

	@ParameterizedTest
	@ValueSource(strings = { "/", "/ok/path", "/profile?tab=metadata", "/a#section", "/%2F%2Fstill-local" })
	void parseWhenLocalPathThenAccepted(String candidate) {
		assertThat(ReturnTo.parse(candidate)).isEqualTo(new ReturnTo(candidate));
	}

	@ParameterizedTest
	@ValueSource(strings = { "//evil.example", "https://evil.example", "/\\evil", "\\\\evil", "evil", "/a\\b", "/a\nb",
			"/a\u0000b", "/a b", "javascript:alert(1)", "/\u007f" })
	void parseWhenNotLocalPathThenRejected(String candidate) {
		assertThat(ReturnTo.parse(candidate)).isNull();
	}

	/** What the log says of a refused one: the rule it broke, never the value. */
	@ParameterizedTest
	@CsvSource({ "https://evil.example, NOT_A_PATH", "evil, NOT_A_PATH", "//evil.example, ANOTHER_HOST",
			"/\\evil, ANOTHER_HOST", "/a b, FORBIDDEN_CHARACTER", "/a\\b, FORBIDDEN_CHARACTER", "/a|b, NOT_A_URI" })
	void faultWhenNotLocalPathThenTheRuleItBroke(String candidate, ReturnTo.Fault fault) {
		assertThat(ReturnTo.fault(candidate)).isEqualTo(fault);
	}

	@ParameterizedTest
	@ValueSource(strings = { "" })
	void parseWhenMissingThenRoot(String candidate) {
		assertThat(ReturnTo.parse(candidate)).isEqualTo(ReturnTo.ROOT);
		assertThat(ReturnTo.parse(null)).isEqualTo(ReturnTo.ROOT);
	}

}
