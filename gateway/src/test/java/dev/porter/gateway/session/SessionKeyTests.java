package dev.porter.gateway.session;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link SessionKey}: the SHA-256 of a session id, base64url, and nothing else is taken
 * for one.
 */
class SessionKeyTests {

	@Test
	void ofThenBase64UrlOfTheSha256OfTheId() {
		// SHA-256("abc") = ba7816bf…f20015ad (FIPS 180-2, appendix B.1).
		assertThat(SessionKey.of("abc").value()).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
	}

	@Test
	void ofWhenSameIdThenSameKeyOnAnyInstanceAndOtherIdsDiffer() {
		String id = UUID.randomUUID().toString();

		assertThat(SessionKey.of(id)).isEqualTo(SessionKey.of(id)).isNotEqualTo(SessionKey.of(id + "x"));
		assertThat(SessionKey.of(id).value()).doesNotContain(id);
	}

	/**
	 * Every derivation starts from a fresh digest, whichever thread asks and however
	 * often.
	 */
	@Test
	void ofWhenDerivedOnManyThreadsAtOnceThenEachKeyIsThatOfItsOwnId() {
		String expected = SessionKey.of("abc").value();
		List<String> keys = IntStream.range(0, 10_000)
			.parallel()
			.mapToObj((i) -> (i % 2 == 0) ? SessionKey.of("abc").value() : SessionKey.of("id-" + i).value())
			.toList();
		for (int i = 0; i < keys.size(); i++) {
			if (i % 2 == 0) {
				assertThat(keys.get(i)).isEqualTo(expected);
			}
			else {
				assertThat(keys.get(i)).isEqualTo(SessionKey.of("id-" + i).value()).isNotEqualTo(expected);
			}
		}
	}

	@Test
	void newWhenGivenASessionIdThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SessionKey(UUID.randomUUID().toString()))
			.withMessageNotContaining("-");
	}

	/**
	 * Only 43 characters of the base64url alphabet are a key: one character more or less,
	 * padding, the other base64 alphabet's characters or any other refused.
	 */
	@Test
	void newWhenNotFortyThreeBase64UrlCharactersThenRefused() {
		String key = SessionKey.of("abc").value();
		List<String> notKeys = List.of("", key.substring(1), key + "A", key.substring(1) + "=", key.substring(1) + "+",
				key.substring(1) + "/", key.substring(1) + ".", key.substring(1) + " ", key.substring(1) + "\u00e9",
				key.substring(1) + "\u0661", "@" + key.substring(1), "[" + key.substring(1), "`" + key.substring(1),
				"{" + key.substring(1), ":" + key.substring(1));

		for (String notKey : notKeys) {
			assertThatIllegalArgumentException().as(notKey).isThrownBy(() -> new SessionKey(notKey));
			assertThat(SessionKey.parse(notKey)).as(notKey).isNull();
		}
		String everyCharacter = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		assertThat(new SessionKey(everyCharacter.substring(0, 43)).value()).isEqualTo(everyCharacter.substring(0, 43));
		assertThat(SessionKey.parse(everyCharacter.substring(21)))
			.isEqualTo(new SessionKey(everyCharacter.substring(21)));
	}

	@Test
	void parseWhenIdStoredByAnEarlierVersionThenNoKey() {
		String key = SessionKey.of("abc").value();

		assertThat(SessionKey.parse(UUID.randomUUID().toString())).isNull();
		assertThat(SessionKey.parse(key)).isEqualTo(SessionKey.of("abc"));
	}

}
