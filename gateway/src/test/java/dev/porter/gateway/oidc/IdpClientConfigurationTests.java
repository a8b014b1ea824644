package dev.porter.gateway.oidc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IdP client gives up on a hanging IdP after {@code OIDC_RESPONSE_TIMEOUT}, not after
 * a fixed wait.
 */
class IdpClientConfigurationTests {

	/**
	 * An IdP that takes the connection (the kernel completes it into the backlog) and
	 * never answers.
	 */
	private final ServerSocket hangingIdp = listening();

	@AfterEach
	void stop() throws IOException {
		this.hangingIdp.close();
	}

	@Test
	void idpWebClientWhenIdpHangsThenFailsAtTheConfiguredResponseTimeout() {
		WebClient client = new IdpClientConfiguration().idpWebClient(properties(Duration.ofMillis(300)));
		String jwks = "http://127.0.0.1:" + this.hangingIdp.getLocalPort() + "/.well-known/jwks.json";
		// A refused call first loads and starts the client (Netty's classes, its event
		// loop), which on a busy machine takes seconds, so that the wait below is the
		// timeout's alone.
		StepVerifier.create(client.get().uri("http://127.0.0.1:" + closedPort()).retrieve().toBodilessEntity())
			.expectError()
			.verify(Duration.ofSeconds(30));

		// Far below the 5 s default: only the configured timeout ends it so soon.
		StepVerifier.create(client.get().uri(jwks).retrieve().bodyToMono(String.class))
			.expectErrorSatisfies((error) -> assertThat(error).hasRootCauseInstanceOf(ReadTimeoutException.class))
			.verify(Duration.ofSeconds(4));
	}

	private static OidcProperties properties(Duration responseTimeout) {
		return new OidcProperties(URI.create("http://idp.invalid/"), "client-1", "secret", List.of("openid"),
				"https://api", null, null, null, null, null, Duration.ofSeconds(5), responseTimeout);
	}

	private static int closedPort() {
		try (ServerSocket socket = listening()) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ServerSocket listening() {
		try {
			return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
