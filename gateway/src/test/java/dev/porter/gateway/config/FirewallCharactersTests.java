package dev.porter.gateway.config;

import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

import static org.assertj.core.api.Assertions.assertThat;

class FirewallCharactersTests {

	private static final List<String> SAMPLES = List.of("", "Accept", "application/json", "a\tb", "\t", "x\u007f",
			"caf\u00e9", "same-origin\u0085", "\u0000", "line\r\nbreak", "emoji \ud83d\ude00", "lone \ud800",
			"unassigned \u0378", "tab\tthen \u00e9");

	@Test
	void headerNamesWhenAnyCharacterThenSameAnswerAsTheFirewallsOwnRule() {
		assertSameAnswers(FirewallCharacters.HEADER_NAMES, StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES);
	}

	@Test
	void headerValuesWhenAnyCharacterThenSameAnswerAsTheFirewallsOwnRule() {
		assertSameAnswers(FirewallCharacters.HEADER_VALUES, StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES);
	}

	@Test
	void parameterNamesWhenAnyCharacterThenSameAnswerAsTheFirewallsOwnRule() {
		assertSameAnswers(FirewallCharacters.PARAMETER_NAMES, StrictServerWebExchangeFirewall.ALLOWED_PARAMETER_NAMES);
	}

	@Test
	void headerValuesWhenControlCharacterThenRefusedAndTabAllowed() {
		assertThat(FirewallCharacters.HEADER_VALUES.test("a\u0001b")).isFalse();
		assertThat(FirewallCharacters.HEADER_VALUES.test("a\u007fb")).isFalse();
		assertThat(FirewallCharacters.HEADER_VALUES.test("a\tb")).isTrue();
		assertThat(FirewallCharacters.HEADER_NAMES.test("a\tb")).isFalse();
	}

	/**
	 * Every UTF-16 code unit alone, before and after ASCII text (where the fast path
	 * decides), and a few longer texts.
	 */
	private static void assertSameAnswers(Predicate<String> fast, Predicate<String> firewall) {
		assertThat(fast.test(null)).isEqualTo(firewall.test(null));
		for (String sample : SAMPLES) {
			assertThat(fast.test(sample)).as("%s", sample).isEqualTo(firewall.test(sample));
		}
		for (int c = 0; c <= Character.MAX_VALUE; c++) {
			String alone = String.valueOf((char) c);
			for (String text : List.of(alone, "ab" + alone, alone + "ab", "a\t" + alone)) {
				assertThat(fast.test(text)).as("U+%04X in %s", c, text.length()).isEqualTo(firewall.test(text));
			}
		}
	}

}
