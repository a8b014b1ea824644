package dev.porter.gateway.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Clients for a gateway on a port. Each opens its own connections (no pool shared across
 * tests and application contexts in this JVM): twice in ~10 full runs a request on a
 * pooled connection hung until the client timeout, and a test must not depend on
 * connections another test left behind.
 */
public final class TestClients {

	private TestClients() {
	}

	public static WebTestClient gateway(int port) {
		return WebTestClient.bindToServer(connector())
			.baseUrl("http://localhost:" + port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	/** A connector that opens a new connection per request. */
	public static ReactorClientHttpConnector connector() {
		return new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection()));
	}

	/** Sends {@code request} without waiting: its answer's status, once it comes. */
	public static CompletableFuture<Integer> statusInBackground(WebClient.RequestHeadersSpec<?> request) {
		return request.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.toFuture();
	}

}
