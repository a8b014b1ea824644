package dev.porter.gateway.oidc;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IdP client waits for an answer as long as {@code OIDC_RESPONSE_TIMEOUT} says. Read
 * from the client's configuration rather than timed against a hanging IdP: on a busy
 * machine a wall-clock bound below the 5 s default proved unreliable, and LoginTests and
 * IdTokenKeysTests already see a hanging IdP fail the login.
 */
class IdpClientConfigurationTests {

	@Test
	void idpHttpClientWhenResponseTimeoutConfiguredThenWaitsThatLongForAnAnswer() {
		Duration configured = Duration.ofMillis(300);

		assertThat(IdpClientConfiguration.idpHttpClient(properties(configured), ConnectionProvider.newConnection())
			.configuration()
			.responseTimeout()).isEqualTo(configured);
	}

	private static OidcProperties properties(Duration responseTimeout) {
		return new OidcProperties(URI.create("http://idp.invalid/"), "client-1", "secret", List.of("openid"),
				"https://api", null, null, null, null, null, Duration.ofSeconds(5), responseTimeout, true);
	}

}
