package dev.porter.gateway.crypto;

import java.nio.charset.StandardCharsets;

import dev.porter.gateway.support.TestSessionKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class KeyRingTests {

	private static final byte[] PLAINTEXT = "{\"accessToken\":\"at-1\"}".getBytes(StandardCharsets.UTF_8);

	private static final byte[] SESSION_ID = "session-1".getBytes(StandardCharsets.UTF_8);

	private final String k1 = TestSessionKeys.newKey();

	private final String k2 = TestSessionKeys.newKey();

	@Test
	void openWhenSealedByAnOlderKeyStillInTheRingThenPlaintext() {
		byte[] sealed = KeyRing.parse(this.k1, "KEYS").seal(PLAINTEXT, SESSION_ID);

		assertThat(KeyRing.parse(this.k2 + "," + this.k1, "KEYS").open(sealed, SESSION_ID)).isEqualTo(PLAINTEXT);
	}

	@Test
	void sealWhenSeveralKeysThenTheNewestSeals() {
		byte[] sealed = KeyRing.parse(this.k2 + ", " + this.k1, "KEYS").seal(PLAINTEXT, SESSION_ID);

		assertThat(KeyRing.parse(this.k2, "KEYS").open(sealed, SESSION_ID)).isEqualTo(PLAINTEXT);
		assertThat(KeyRing.parse(this.k1, "KEYS").open(sealed, SESSION_ID)).isNull();
	}

	@Test
	void openWhenKeyLeftTheRingThenNullAndTheKeyIsUnknown() {
		byte[] sealed = KeyRing.parse(this.k1, "KEYS").seal(PLAINTEXT, SESSION_ID);
		KeyRing rotated = KeyRing.parse(this.k2, "KEYS");

		assertThat(rotated.open(sealed, SESSION_ID)).isNull();
		assertThat(rotated.knowsKeyOf(sealed)).isFalse();
	}

	@Test
	void openWhenAlteredOrBoundToAnotherIdThenNull() {
		KeyRing ring = KeyRing.parse(this.k1, "KEYS");
		byte[] sealed = ring.seal(PLAINTEXT, SESSION_ID);
		byte[] altered = sealed.clone();
		altered[altered.length - 1] ^= 1;

		assertThat(ring.open(altered, SESSION_ID)).isNull();
		assertThat(ring.open(sealed, "session-2".getBytes(StandardCharsets.UTF_8))).isNull();
		assertThat(ring.open(new byte[3], SESSION_ID)).isNull();
	}

	@Test
	void sealWhenSamePlaintextTwiceThenDifferentValuesWithoutThePlaintext() {
		KeyRing ring = KeyRing.parse(this.k1, "KEYS");
		byte[] first = ring.seal(PLAINTEXT, SESSION_ID);

		assertThat(first).isNotEqualTo(ring.seal(PLAINTEXT, SESSION_ID));
		assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("at-1");
		assertThat(first).hasSize(PLAINTEXT.length + KeyRing.OVERHEAD);
	}

	@Test
	void parseWhenKeyNotBase64OrNot256BitsThenFailsNamingTheVariableNotTheKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> KeyRing.parse(this.k1 + ",not base64!", "SESSION_ENCRYPTION_KEYS"))
			.withMessageContaining("SESSION_ENCRYPTION_KEYS")
			.withMessageContaining("key 2");
		assertThatIllegalArgumentException().isThrownBy(() -> KeyRing.parse("c2hvcnQ=", "SESSION_ENCRYPTION_KEYS"))
			.withMessageContaining("SESSION_ENCRYPTION_KEYS")
			.withMessageContaining("not 32")
			.withMessageNotContaining("c2hvcnQ=");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> KeyRing.parse(this.k1 + "," + this.k1, "SESSION_ENCRYPTION_KEYS"))
			.withMessageContaining("twice");
	}

}
