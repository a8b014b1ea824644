package dev.porter.gateway.oidc;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.support.MovableClock;
import dev.porter.testsupport.HeldAnswer;
import dev.porter.testsupport.HeldAnswers;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class OidcDiscoveryTests {

	// The issuer as the browser and the tokens know it; nothing listens there for
	// this service.
	private static final String ISSUER = "http://idp.invalid/";

	private final HeldAnswers held = new HeldAnswers();

	private final WireMockServer backChannel = started(this.held);

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-05T12:00:00Z"));

	@AfterEach
	void stop() {
		this.held.releaseAll();
		this.backChannel.stop();
	}

	@Test
	void metadataWhenDiscoveryUriGivenThenFetchedThereAndIssuerStillChecked() {
		this.backChannel.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration")).willReturn(
				okJson("{\"issuer\":\"" + ISSUER + "\",\"authorization_endpoint\":\"" + ISSUER + "authorize\"}")));
		OidcDiscovery discovery = new OidcDiscovery(WebClient.create(),
				properties(URI.create(this.backChannel.baseUrl() + "/.well-known/openid-configuration")), this.clock);

		StepVerifier.create(discovery.metadata())
			.assertNext(
					(metadata) -> assertThat(metadata).containsEntry("authorization_endpoint", ISSUER + "authorize"))
			.verifyComplete();
	}

	@Test
	void metadataWhenDiscoveryUriNamesAnotherIssuerThenRefused() {
		this.backChannel.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration"))
			.willReturn(okJson("{\"issuer\":\"http://someone-else/\"}")));
		OidcDiscovery discovery = new OidcDiscovery(WebClient.create(),
				properties(URI.create(this.backChannel.baseUrl() + "/.well-known/openid-configuration")), this.clock);

		StepVerifier.create(discovery.metadata()).expectError().verify(Duration.ofSeconds(10));
	}

	@Test
	void metadataWhenIssuerConfiguredWithoutTheSlashDiscoveryStatesThenAccepted() {
		stubDiscovery("{\"issuer\":\"" + ISSUER + "\"}");
		OidcDiscovery discovery = new OidcDiscovery(WebClient.create(),
				properties(URI.create("http://idp.invalid"), discoveryUri()), this.clock);

		StepVerifier.create(discovery.metadata())
			.assertNext((metadata) -> assertThat(metadata).containsEntry("issuer", ISSUER))
			.verifyComplete();
	}

	@Test
	void metadataWhenManyCallersBeforeTheFirstFetchEndsThenOneFetchAndTheDocumentIsRemembered() throws Exception {
		stubDiscovery("{\"issuer\":\"" + ISSUER + "\"}");
		HeldAnswer fetch = this.held.add("/.well-known/openid-configuration", "");
		OidcDiscovery discovery = new OidcDiscovery(WebClient.create(), properties(discoveryUri()), this.clock);

		// Subscribed on this thread: all ten callers have asked by the time this returns,
		// while the first fetch's answer is held.
		CompletableFuture<List<Map<String, Object>>> callers = Flux.range(0, 10)
			.flatMap((i) -> discovery.metadata())
			.collectList()
			.toFuture();
		fetch.awaitReached();
		fetch.release();

		assertThat(callers.get(10, TimeUnit.SECONDS)).hasSize(10);
		StepVerifier.create(discovery.metadata()).expectNextCount(1).verifyComplete();

		this.backChannel.verify(1, getRequestedFor(urlPathEqualTo("/.well-known/openid-configuration")));
	}

	@Test
	void metadataWhenAFetchFailedThenTheFirstCallerAfterItsRetryAfterFetchesAgain() {
		this.backChannel.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration")).willReturn(serverError()));
		OidcDiscovery discovery = new OidcDiscovery(WebClient.create(), properties(discoveryUri()), this.clock);
		StepVerifier.create(discovery.metadata()).expectError(ProblemException.class).verify(Duration.ofSeconds(10));

		stubDiscovery("{\"issuer\":\"" + ISSUER + "\"}");
		this.clock.advance(OidcDiscovery.RETRY_AFTER);

		StepVerifier.create(discovery.metadata()).expectNextCount(1).verifyComplete();
	}

	// Discovery failed at boot, and then the clock stepped back ten minutes (NTP, a VM
	// restored): every login got a 503 with a Retry-After of ten minutes, and no fetch
	// was tried until the clock had caught up.
	@Test
	void metadataWhenAFetchFailedAndTheClockSteppedBackThenFetchedAgainAfterItsRetryAfter() {
		this.backChannel.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration")).willReturn(serverError()));
		OidcDiscovery discovery = new OidcDiscovery(WebClient.create(), properties(discoveryUri()), this.clock);
		StepVerifier.create(discovery.metadata()).expectError(ProblemException.class).verify(Duration.ofSeconds(10));
		stubDiscovery("{\"issuer\":\"" + ISSUER + "\"}");

		this.clock.moveTo(this.clock.instant().minus(Duration.ofMinutes(10)));
		this.clock.advance(OidcDiscovery.RETRY_AFTER);

		StepVerifier.create(discovery.metadata()).expectNextCount(1).verifyComplete();
	}

	// An IdP that accepts connections and never answers: each caller waited out the
	// discovery timeout again (a logout waited it twice, once to revoke and once for the
	// IdP's logout URL). Within the Retry-After the failure answers at once.
	@Test
	void metadataWhenAFetchFailedThenCallersWithinItsRetryAfterAreRefusedAtOnceWithoutAFetch() {
		this.backChannel.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration")).willReturn(serverError()));
		OidcDiscovery discovery = new OidcDiscovery(WebClient.create(), properties(discoveryUri()), this.clock);
		StepVerifier.create(discovery.metadata()).expectError(ProblemException.class).verify(Duration.ofSeconds(10));
		stubDiscovery("{\"issuer\":\"" + ISSUER + "\"}");

		this.clock.advance(OidcDiscovery.RETRY_AFTER.minusSeconds(1));
		StepVerifier.create(discovery.metadata()).expectErrorSatisfies((ex) -> {
			ProblemException problem = (ProblemException) ex;
			assertThat(problem.getStatusCode().value()).isEqualTo(503);
			assertThat(problem.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		}).verify(Duration.ofSeconds(10));

		this.backChannel.verify(1, getRequestedFor(urlPathEqualTo("/.well-known/openid-configuration")));
	}

	// Login and the refresh need discovery: while the IdP is down they answer 503, and
	// the
	// browser or SPA must be told when to try again.
	@Test
	void metadataWhenTheIdpFailsThenServiceUnavailableWithRetryAfter() {
		this.backChannel.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration")).willReturn(serverError()));
		OidcDiscovery discovery = new OidcDiscovery(WebClient.create(), properties(discoveryUri()), this.clock);

		StepVerifier.create(discovery.metadata()).expectErrorSatisfies((ex) -> {
			ProblemException problem = (ProblemException) ex;
			assertThat(problem.getStatusCode().value()).isEqualTo(503);
			assertThat(problem.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
		}).verify(Duration.ofSeconds(10));
	}

	// Every failure read "WebClientRequestException" or "NotFound", for the issuer only:
	// with OIDC_DISCOVERY_URI the document is fetched elsewhere, and a refused
	// connection, a name that does not resolve and an untrusted certificate looked alike.
	@Test
	void metadataWhenDiscoveryAnswers404ThenLogNamesTheStatusAndTheUrlFetched(CapturedOutput output) {
		this.backChannel.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration"))
			.willReturn(aResponse().withStatus(404).withBody("Zq9-body")));
		OidcDiscovery discovery = new OidcDiscovery(WebClient.create(), properties(discoveryUri()), this.clock);

		StepVerifier.create(discovery.metadata()).expectError(ProblemException.class).verify(Duration.ofSeconds(10));

		assertThat(output.getOut()).contains("OIDC discovery failed", "status 404", discoveryUri().toString())
			.doesNotContain("Zq9-body");
	}

	@Test
	void metadataWhenDiscoveryRefusesConnectionsThenLogNamesTheRootCauseAndTheUrlFetched(CapturedOutput output) {
		URI refusing = discoveryUri();
		this.backChannel.stop();
		OidcDiscovery discovery = new OidcDiscovery(WebClient.create(), properties(refusing), this.clock);

		StepVerifier.create(discovery.metadata()).expectError(ProblemException.class).verify(Duration.ofSeconds(10));

		assertThat(output.getOut()).contains("OIDC discovery failed", "ConnectException", refusing.toString())
			.doesNotContain("WebClientRequestException");
	}

	private void stubDiscovery(String document) {
		this.backChannel.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration")).willReturn(okJson(document)));
	}

	private URI discoveryUri() {
		return URI.create(this.backChannel.baseUrl() + "/.well-known/openid-configuration");
	}

	private static OidcProperties properties(URI discoveryUri) {
		return properties(URI.create(ISSUER), discoveryUri);
	}

	private static OidcProperties properties(URI issuer, URI discoveryUri) {
		return new OidcProperties(issuer, "client-1", "secret", List.of("openid"), "https://api", null, null, null,
				discoveryUri, null, Duration.ofSeconds(5), Duration.ofSeconds(5), true);
	}

	private static WireMockServer started(HeldAnswers held) {
		WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").extensions(held));
		server.start();
		return server;
	}

}
