package dev.porter.gateway.login;

import org.junit.jupiter.params.ParameterizedTest;
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

	@ParameterizedTest
	@ValueSource(strings = { "" })
	void parseWhenMissingThenRoot(String candidate) {
		assertThat(ReturnTo.parse(candidate)).isEqualTo(ReturnTo.ROOT);
		assertThat(ReturnTo.parse(null)).isEqualTo(ReturnTo.ROOT);
	}

}
