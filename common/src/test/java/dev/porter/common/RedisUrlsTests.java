package dev.porter.common;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RedisUrlsTests {

	@Test
	void parseWhenRedissWithEncodedPasswordThenTlsVerifiedAndPasswordDecoded() {
		RedisURI uri = RedisUrls.parse("rediss://:ab%2Fcd%2Be%3D@redis.internal:6380/2", "REDIS_URL");

		assertThat(uri.isSsl()).isTrue();
		assertThat(uri.isVerifyPeer()).isTrue();
		assertThat(uri.getHost()).isEqualTo("redis.internal");
		assertThat(uri.getPort()).isEqualTo(6380);
		assertThat(uri.getDatabase()).isEqualTo(2);
		assertThat(uri.getCredentialsProvider().resolveCredentials().block().getPassword())
			.containsExactly("ab/cd+e=".toCharArray());
	}

	@ParameterizedTest
	@ValueSource(strings = { "redis://:pw/Zq9+e=@redis.internal:6379", "rediss://:pw%zzZq9@redis.internal:6380",
			"redis://:pw^Zq9@redis.internal:6379", "redis://:pw Zq9@redis.internal:6379",
			"redis://:pw#Zq9@redis.internal:6379", "redis://:pw@Zq9@redis.internal:6379",
			"rediss://:pw@Zq9@redis.internal:6380", "rediss://user:pw@Zq9@redis.internal:6380",
			"redis://:pwZq9@redis.internal:6379:1", "redis://:pwZq9@redis_1:6379", "redis://:pwZq9@",
			"Zq9.internal:6379", "redis://", "" })
	void parseWhenMalformedThenRefusalNamesVariableAndNeverQuotesTheUrl(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisUrls.parse(url, "REDIS_URL"))
			.withMessageContaining("REDIS_URL")
			.withMessageNotContaining("Zq9")
			.withNoCause();
	}

	// Java's URI gives up on such an authority, and Lettuce takes everything after the
	// last @ as the host: "redis.internal:6380" on port 6379, never reachable, while
	// start-up succeeded.
	@Test
	void parseWhenPasswordHoldsAnUnencodedAtSignThenRefusalSaysToEncodeIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisUrls.parse("rediss://:p@ss@redis.internal:6380", "REDIS_URL"))
			.withMessageContaining("@ as %40");
	}

	// Java reads no host when the password holds a /, and the host after the @ is fine:
	// the password is at fault, not the host.
	@ParameterizedTest
	@ValueSource(strings = { "redis://:pw/Zq9+e=@redis.internal:6379", "redis://:pw#Zq9@redis.internal:6379",
			"redis://:pw Zq9@redis.internal:6379" })
	void parseWhenPasswordHoldsAReservedCharacterThenRefusalSaysToEncodeIt(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisUrls.parse(url, "REDIS_URL"))
			.withMessageContaining("percent-encode reserved characters in the password")
			.withMessageNotContaining("DNS name");
	}

	// A compose service name may hold an underscore, which DNS host names may not: Java
	// reads no host in it, and Lettuce would not connect. The password is not at fault.
	@ParameterizedTest
	@ValueSource(strings = { "redis://porter_redis:6379", "redis://:pwZq9@porter_redis:6379/1",
			"rediss://user:pwZq9@redis_1.internal:6380", "redis://porter_redis", "redis://redis-:6379",
			"redis://:pw_Zq9@redis_1:6379" })
	void parseWhenHostIsNoDnsNameThenRefusalSaysSoAndNotToEncodeThePassword(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisUrls.parse(url, "REDIS_URL"))
			.withMessageContaining("REDIS_URL")
			.withMessageContaining("host must be a DNS name without '_' or an IP address")
			.withMessageNotContaining("percent-encode")
			.withMessageNotContaining("Zq9")
			.withMessageNotContaining("porter_redis")
			.withNoCause();
	}

	// Before the @ an underscore is the password's, and Java reads the host after it.
	@Test
	void parseWhenPasswordHoldsAnUnderscoreThenAccepted() {
		RedisURI uri = RedisUrls.parse("redis://:pw_Zq9@redis.internal:6379", "REDIS_URL");

		assertThat(uri.getHost()).isEqualTo("redis.internal");
	}

	@Test
	void parseWhenHostIsAnIpv6LiteralThenAccepted() {
		RedisURI uri = RedisUrls.parse("redis://:pw@[::1]:6380/1", "REDIS_URL");

		assertThat(uri.getHost()).isEqualTo("[::1]");
		assertThat(uri.getPort()).isEqualTo(6380);
	}

}
