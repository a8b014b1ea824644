package dev.porter.gateway.token;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class InvalidTokenChallengeTests {

	// profile-service's own answers, Auth0's /userinfo answer (auth0-contract.md), an
	// unquoted value (RFC 9110 allows a token), another challenge before it.
	@ParameterizedTest
	@ValueSource(strings = { "Bearer error=\"invalid_token\"",
			"Bearer realm=\"Users\", error=\"invalid_token\", error_description=\"The token has expired\"",
			"bearer error=invalid_token", "Basic realm=\"x\", Bearer error=\"invalid_token\"",
			"Basic dXNlcjpwYXNz==, Bearer ERROR = \"invalid_token\"" })
	void isAmongWhenABearerChallengeSaysInvalidTokenThenTrue(String line) {
		assertThat(InvalidTokenChallenge.isAmong(List.of(line))).isTrue();
	}

	// No token sent, the request's or the scope's fault, another scheme's error, a
	// description quoting the error, another error code that starts the same.
	@ParameterizedTest
	@ValueSource(strings = { "", "Bearer", "Bearer realm=\"api\"", "Bearer error=\"invalid_request\"",
			"Bearer error=\"insufficient_scope\", scope=\"openid\"", "Basic error=\"invalid_token\"",
			"Bearer error_description=\"error=\\\"invalid_token\\\"\", error=\"invalid_request\"",
			"Bearer error=\"invalid_token_type\"", "DPoP error=\"invalid_token\"" })
	void isAmongWhenNoBearerChallengeSaysInvalidTokenThenFalse(String line) {
		assertThat(InvalidTokenChallenge.isAmong(List.of(line))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "Basic realm=\"x\"" })
	void isAmongWhenAnotherLineSaysInvalidTokenThenTrue(String first) {
		assertThat(InvalidTokenChallenge.isAmong(List.of(first, "Bearer error=\"invalid_token\""))).isTrue();
	}

}
