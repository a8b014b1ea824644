package dev.porter.gateway.config;

import java.time.Duration;

import dev.porter.gateway.support.Browser;
import dev.porter.testsupport.Eventually;
import dev.porter.gateway.support.GatewayTestSupport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator reads in {@code http.server.requests} about the endpoints no handler
 * mapping names: the relayed paths, the login and logout endpoints, and the sessions'
 * endpoints when refused before their controller. Each request is timed under the pattern
 * it matched, as a controller's request is under its mapping, so that {@code GET /me} and
 * {@code PATCH /me/metadata}, or a refused login and a refused logout, can be told apart;
 * they were all {@code UNKNOWN}. The pattern, never the raw path: a client chooses the
 * path, and one series per path it sends would grow the metrics without bound.
 */
class EndpointRequestMetricsTests extends GatewayTestSupport {

	// The timer stops once the answer is written, which may be just after the client has
	// read it.
	private static final Duration RECORDED = Duration.ofSeconds(2);

	@Autowired
	MeterRegistry meters;

	@Test
	void getMeWhenRelayedThenTimedUnderItsPattern() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{\"sub\":\"auth0|alice\"}")));
		Browser browser = browser().login("auth0|alice", 3600);
		long before = count("GET", "/me", "200");

		browser.get("/me").exchange().expectStatus().isOk();

		awaitCount("GET", "/me", "200", before + 1);
	}

	@Test
	void patchMetadataWhenRelayedThenTimedUnderTheSubpathPatternNotItsPath() {
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata")).willReturn(okJson("{\"user_metadata\":{}}")));
		Browser browser = browser().login("auth0|alice", 3600);
		String xsrf = browser.xsrf();
		long before = count("PATCH", "/me/**", "200");

		browser.patchMetadata(xsrf, "{\"theme\":\"dark\"}").expectStatus().isOk();

		awaitCount("PATCH", "/me/**", "200", before + 1);
		assertNoSeries("/me/metadata");
	}

	@Test
	void relayedPathWhenUpstreamAnswersNotFoundThenTimedUnderThePatternNotItsPath() {
		// profile-service's 404 for a path under /me it does not serve: the relay
		// answered it, so it is named by the relay's pattern, not NOT_FOUND.
		Browser browser = browser().login("auth0|alice", 3600);
		long before = count("GET", "/me/**", "404");

		browser.get("/me/unheard-of").exchange().expectStatus().isNotFound();

		awaitCount("GET", "/me/**", "404", before + 1);
		assertNoSeries("/me/unheard-of");
	}

	@Test
	void getMeWhenNoSessionThenTheRefusalTimedUnderItsPattern() {
		long before = count("GET", "/me", "401");

		this.client.get().uri("/me").exchange().expectStatus().isUnauthorized();

		awaitCount("GET", "/me", "401", before + 1);
	}

	@Test
	void patchMetadataWhenXsrfHeaderMissingThenTheRefusalTimedUnderItsPattern() {
		Browser browser = browser().login("auth0|alice", 3600);
		browser.xsrf();
		long before = count("PATCH", "/me/**", "403");

		browser.patchMetadata(null, "{\"theme\":\"dark\"}").expectStatus().isForbidden();

		awaitCount("PATCH", "/me/**", "403", before + 1);
	}

	@Test
	void loginWhenReturnToForeignThenTheRefusalTimedUnderTheLoginEndpoint() {
		long before = count("GET", "/bff/login", "400");

		this.client.get().uri("/bff/login?returnTo=//evil.example").exchange().expectStatus().isBadRequest();

		awaitCount("GET", "/bff/login", "400", before + 1);
	}

	@Test
	void logoutWhenAskedForJsonThenTimedUnderTheLogoutEndpoint() {
		Browser browser = browser().login("auth0|alice", 3600);
		String xsrf = browser.xsrf();
		long before = count("POST", "/bff/logout", "200");

		browser.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", xsrf)
			.accept(MediaType.APPLICATION_JSON)
			.exchange()
			.expectStatus()
			.isOk();

		awaitCount("POST", "/bff/logout", "200", before + 1);
	}

	@Test
	void sessionsWhenNoSessionThenTheRefusalTimedUnderTheControllersPattern() {
		// refused by the security chain before the controller's mapping could name it
		long before = count("GET", "/bff/sessions", "401");

		this.client.get().uri("/bff/sessions").exchange().expectStatus().isUnauthorized();

		awaitCount("GET", "/bff/sessions", "401", before + 1);
	}

	@Test
	void endingASessionWhenXsrfHeaderMissingThenTheRefusalTimedUnderTheControllersPattern() {
		Browser browser = browser().login("auth0|alice", 3600);
		browser.xsrf();
		long before = count("DELETE", "/bff/sessions/{id}", "403");

		browser.method(HttpMethod.DELETE, "/bff/sessions/some-handle").exchange().expectStatus().isForbidden();

		awaitCount("DELETE", "/bff/sessions/{id}", "403", before + 1);
		assertNoSeries("/bff/sessions/some-handle");
	}

	@Test
	void sessionWhenAskedThenStillNamedByItsControllerMapping() {
		// the endpoints that have a handler keep the name their mapping gives
		long before = count("GET", "/bff/session", "200");

		this.client.get().uri("/bff/session").exchange().expectStatus().isOk();

		awaitCount("GET", "/bff/session", "200", before + 1);
	}

	/**
	 * Waits until the series has counted at least {@code expected}. At least: the
	 * previous test's last request of the same series (every test class of the shared
	 * context adds to them) may be timed only after the test read the count before its
	 * own, and the count then passes {@code expected} without ever equalling it.
	 */
	private void awaitCount(String method, String uri, String status, long expected) {
		Eventually.await(method + " timed under " + uri + " with " + status, RECORDED,
				() -> count(method, uri, status) >= expected);
	}

	private long count(String method, String uri, String status) {
		Timer timer = this.meters.find("http.server.requests")
			.tags("method", method, "uri", uri, "status", status)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	private void assertNoSeries(String uri) {
		assertThat(this.meters.find("http.server.requests").tag("uri", uri).meters())
			.as("a series for the raw path %s", uri)
			.isEmpty();
	}

}
