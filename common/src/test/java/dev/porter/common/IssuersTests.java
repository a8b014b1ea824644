package dev.porter.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class IssuersTests {

	@ParameterizedTest
	@CsvSource({ "https://tenant.auth0.com/, https://tenant.auth0.com/, true",
			"https://tenant.auth0.com, https://tenant.auth0.com/, true",
			"https://kc.example/realms/porter/, https://kc.example/realms/porter, true",
			"' https://tenant.auth0.com ', https://tenant.auth0.com/, true",
			"https://tenant.auth0.com/, https://tenant.auth0.com//, false",
			"https://tenant.auth0.com/, https://other.auth0.com/, false",
			"https://tenant.auth0.com/, http://tenant.auth0.com/, false",
			"https://kc.example/realms/porter, https://kc.example/realms/porter-test, false",
			"https://tenant.auth0.com/, HTTPS://TENANT.AUTH0.COM/, false" })
	void aStatedIssuerMatchesTheConfiguredOneExactlyOrByOneTrailingSlash(String configured, String stated,
			boolean same) {
		assertThat(Issuers.same(configured, stated)).isEqualTo(same);
	}

	@ParameterizedTest
	@CsvSource({ "https://tenant.auth0.com, https://tenant.auth0.com/",
			"https://tenant.auth0.com/, https://tenant.auth0.com/" })
	void withTrailingSlashAddsOneSlashOnlyWhenMissing(String issuer, String expected) {
		assertThat(Issuers.withTrailingSlash(issuer)).isEqualTo(expected);
	}

	@Test
	void noStatedIssuerNeverMatches() {
		assertThat(Issuers.same("https://tenant.auth0.com/", null)).isFalse();
	}

}
