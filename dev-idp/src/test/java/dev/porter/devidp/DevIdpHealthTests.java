package dev.porter.devidp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Orchestrators probe {@code /livez} and {@code /readyz} on dev-idp's port and get the
 * status only; metrics and health details are served on the management port alone, which
 * listens on loopback.
 */
class DevIdpHealthTests extends DevIdpServerTestSupport {

	private static final HttpClient http = HttpClient.newHttpClient();

	@ParameterizedTest
	@ValueSource(strings = { "livez", "readyz" })
	void probeWhenStartedThenUpOnMainPortWithoutDetails(String probe) throws Exception {
		HttpResponse<String> response = get(ISSUER + probe);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
	}

	@ParameterizedTest
	@ValueSource(strings = { "actuator/prometheus", "actuator/health", "actuator/health/readiness",
			"actuator/health/liveness", "actuator" })
	void operationalEndpointWhenAskedOnMainPortThenNotFound(String path) throws Exception {
		HttpResponse<String> response = get(ISSUER + path);

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).doesNotContain("jvm_", "\"UP\"");
	}

	@Test
	void prometheusWhenScrapedOnManagementPortThenExposesMetrics() throws Exception {
		HttpResponse<String> response = get("http://localhost:" + MANAGEMENT_PORT + "/actuator/prometheus");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("jvm_memory_used_bytes", "http_server_requests_seconds");
	}

	// The docs promise operators health details on the management port.
	@Test
	void healthWhenAskedOnManagementPortThenEachIndicatorWithItsDetails() throws Exception {
		HttpResponse<String> response = get("http://localhost:" + MANAGEMENT_PORT + "/actuator/health");

		assertThat(response.body()).contains("\"components\"", "\"readinessState\"");
	}

	@Test
	void readinessWhenAskedOnManagementPortThenUp() throws Exception {
		HttpResponse<String> response = get("http://localhost:" + MANAGEMENT_PORT + "/actuator/health/readiness");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"status\":\"UP\"");
	}

	/**
	 * On Linux every address of 127.0.0.0/8 is local: a listener on all interfaces
	 * accepts on 127.0.0.2, one bound to 127.0.0.1 refuses there, as it refuses other
	 * machines.
	 */
	@Test
	void managementPortWhenAddressNotSetThenListensOnLoopbackOnly() throws IOException {
		assumeTrue(routesOtherLoopbackAddresses(), "this system does not route 127.0.0.2 to loopback");
		assertThat(accepts("127.0.0.1", MANAGEMENT_PORT)).isTrue();
		assertThat(accepts("127.0.0.2", MANAGEMENT_PORT)).as("management port on 127.0.0.2").isFalse();
	}

	/**
	 * dev-idp hands out tokens, Management API tokens included, to anyone who knows the
	 * published dev secrets and seeded passwords: on a laptop on shared Wi-Fi, its port
	 * must not face the network unless SERVER_ADDRESS says so (Compose does).
	 */
	@Test
	void mainPortWhenAddressNotSetThenListensOnLoopbackOnly() throws IOException {
		assumeTrue(routesOtherLoopbackAddresses(), "this system does not route 127.0.0.2 to loopback");
		assertThat(accepts("127.0.0.1", PORT)).isTrue();
		assertThat(accepts("127.0.0.2", PORT)).as("main port on 127.0.0.2").isFalse();
	}

	/** Whether a listener on all interfaces is reached through 127.0.0.2. */
	private static boolean routesOtherLoopbackAddresses() throws IOException {
		try (ServerSocket everywhere = new ServerSocket(0)) {
			return accepts("127.0.0.2", everywhere.getLocalPort());
		}
	}

	private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static boolean accepts(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
