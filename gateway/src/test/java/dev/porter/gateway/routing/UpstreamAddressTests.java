package dev.porter.gateway.routing;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.netty.http.client.HttpClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the relay's client sends requests, for each form PROFILE_SERVICE_URI may take: a
 * host name that Java's URI does not take for a host (an underscore, as in a Docker
 * service name) must reach that host as it did when each request carried the whole URL.
 */
class UpstreamAddressTests {

	@ParameterizedTest
	@CsvSource({ "http://localhost:8081, localhost, 8081, false", "http://profile-service, profile-service, 80, false",
			"https://profile.example, profile.example, 443, true",
			"http://profile_service:8081, profile_service, 8081, false",
			"http://[::1]:8081, 0:0:0:0:0:0:0:1, 8081, false",
			"https://user@profile_service, profile_service, 443, true" })
	void toUpstreamWhenProfileServiceUriThenItsHostPortAndScheme(String uri, String host, int port, boolean secure) {
		HttpClient client = UpstreamCall.toUpstream(HttpClient.create(), URI.create(uri));

		InetSocketAddress address = (InetSocketAddress) client.configuration().remoteAddress().get();
		assertThat(address.getHostString()).isEqualTo(host);
		assertThat(address.getPort()).isEqualTo(port);
		assertThat(client.configuration().isSecure()).isEqualTo(secure);
	}

	/**
	 * Made once, not for every request (2.2 KB and ~1 % of the gateway's CPU per request
	 * when the client derived it from its host and port each time, docs/benchmarks.md,
	 * nineteenth round); a host name stays unresolved, so that each new connection asks
	 * the resolver again and a moved service is found.
	 */
	@ParameterizedTest
	@CsvSource({ "http://profile_service:8081, true", "http://localhost:8081, true", "http://127.0.0.1:8081, false",
			"http://[::1]:8081, false" })
	void toUpstreamThenOneAddressForEveryRequestAndNamesResolvedPerConnection(String uri, boolean unresolved) {
		HttpClient client = UpstreamCall.toUpstream(HttpClient.create(), URI.create(uri));

		SocketAddress first = client.configuration().remoteAddress().get();
		assertThat(client.configuration().remoteAddress().get()).isSameAs(first);
		assertThat(((InetSocketAddress) first).isUnresolved()).isEqualTo(unresolved);
	}

}
