package dev.porter.common;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class HttpUrisTests {

	@ParameterizedTest
	@ValueSource(strings = { "https://tenant.eu.auth0.com/", "http://localhost:8081", "HTTPS://porter.example.com",
			"http://profile_service:8081", "http://[::1]:8081/", "https://user@idp.example/path?q=1" })
	void isAbsoluteHttpWhenSchemeAndHostThenTrue(String value) {
		assertThat(HttpUris.isAbsoluteHttp(URI.create(value))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "tenant.eu.auth0.com", "porter.example.com/", "profile-service:8081", "/relative",
			"ftp://files.example/", "http:///path", "http://:8081/", "http://user@:8081", "mailto:a@example.com", "" })
	void isAbsoluteHttpWhenNoHttpSchemeOrNoHostThenFalse(String value) {
		assertThat(HttpUris.isAbsoluteHttp(URI.create(value))).isFalse();
	}

}
