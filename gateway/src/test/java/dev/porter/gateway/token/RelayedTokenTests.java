package dev.porter.gateway.token;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code Authorization} value the relay hands the upstream call: read in place, it
 * must still be, character for character, {@code Bearer <token>} to every reader.
 */
class RelayedTokenTests {

	private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhdXRoMHxhbGljZSJ9.c2ln";

	private static CharSequence relayed(String token) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		RelayedToken.relay(exchange, token);
		return RelayedToken.authorization(exchange);
	}

	@Test
	void authorizationWhenRelayedThenEveryCharacterIsTheBearerScheme() {
		CharSequence value = relayed(TOKEN);
		String expected = "Bearer " + TOKEN;

		assertThat(value.length()).isEqualTo(expected.length());
		StringBuilder read = new StringBuilder();
		for (int i = 0; i < value.length(); i++) {
			read.append(value.charAt(i));
		}
		assertThat(read).hasToString(expected);
		assertThat(value).hasToString(expected);
		assertThat(value.subSequence(5, 12)).hasToString(expected.substring(5, 12));
	}

	@Test
	void authorizationWhenReadPastEitherEndThenRefusedAsAStringWould() {
		CharSequence value = relayed(TOKEN);

		assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> value.charAt(value.length()));
		assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> value.charAt(-1));
	}

	@Test
	void authorizationWhenNothingRelayedThenNone() {
		assertThat(RelayedToken.authorization(MockServerWebExchange.from(MockServerHttpRequest.get("/me")))).isNull();
	}

}
