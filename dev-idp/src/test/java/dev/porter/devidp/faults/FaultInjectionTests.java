package dev.porter.devidp.faults;

import dev.porter.devidp.DevIdpServerTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.util.LinkedMultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The fault switches under {@code /dev/faults}, observed over real HTTP. */
class FaultInjectionTests extends DevIdpServerTestSupport {

	@LocalServerPort
	int port;

	@Autowired
	FaultsProperties properties;

	RestTestClient client;

	@BeforeEach
	void client() {
		this.client = RestTestClient.bindToServer().baseUrl("http://localhost:" + this.port).build();
	}

	@AfterEach
	void clearFaults() {
		this.client.delete().uri("/dev/faults").exchange().expectStatus().isNoContent();
	}

	@Test
	void managementWhenRateLimitSpentThenTooManyRequestsWithRateLimitHeaders() {
		putFaults("management", """
				{"rate_limit":{"capacity":1,"refill_per_second":0.01},"retry_after":true}""");
		getUser().expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals("X-RateLimit-Limit", "1")
			.expectHeader()
			.valueEquals("X-RateLimit-Remaining", "0");
		long now = Instant.now().getEpochSecond();
		getUser().expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.valueEquals("X-RateLimit-Limit", "1")
			.expectHeader()
			.valueEquals("X-RateLimit-Remaining", "0")
			.expectHeader()
			.value("X-RateLimit-Reset", (reset) -> assertThat(Long.parseLong(reset)).isGreaterThan(now))
			.expectHeader()
			.value("Retry-After", (seconds) -> assertThat(Long.parseLong(seconds)).isPositive())
			.expectBody()
			.json("""
					{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached",
					 "errorCode":"too_many_requests"}""");
	}

	@Test
	void userinfoWhenRateLimitSpentThenOAuthShapedTooManyRequestsWithoutRetryAfter() {
		putFaults("userinfo", """
				{"rate_limit":{"capacity":1,"refill_per_second":0.01}}""");
		this.client.get().uri("/userinfo").exchange();
		this.client.get()
			.uri("/userinfo")
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.exists("X-RateLimit-Reset")
			.expectHeader()
			.doesNotExist("Retry-After")
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("too_many_requests")
			.jsonPath("$.error_description")
			.isNotEmpty();
	}

	@Test
	void managementWhenRateLimitSpentAndDevIdpClockMovedOnThenBucketRefilled() {
		putFaults("management", """
				{"rate_limit":{"capacity":1,"refill_per_second":0.01}}""");
		getUser().expectStatus().isUnauthorized();
		getUser().expectStatus().isEqualTo(429);

		this.devIdpClock.shift(Duration.ofSeconds(100));

		getUser().expectStatus().isUnauthorized().expectHeader().valueEquals("X-RateLimit-Remaining", "0");
	}

	@Test
	void managementWhenLatencySetThenResponseTakesAtLeastThatLong() {
		putFaults("management", """
				{"latency_ms":400}""");
		long started = System.nanoTime();
		// The delay comes before Spring Security: even a request it refuses waits.
		getUser().expectStatus().isUnauthorized();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
	}

	@Test
	void userinfoWhenAnotherGroupFailsEveryRequestThenAnsweredAsWithoutFaults() {
		putFaults("token", """
				{"error_rate":1.0,"error_status":502}""");
		tokenRequest("refresh_token").expectStatus().isEqualTo(502);
		// Its own answer to a request without a token, not the token group's fault.
		this.client.get()
			.uri("/userinfo")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.exists("WWW-Authenticate");
	}

	@Test
	void putWhenLatencyAboveMaximumThenCapped() {
		long cap = this.properties.maxLatency().toMillis();
		putFaults("userinfo", "{\"latency_ms\":" + (cap + 60_000) + "}").expectBody()
			.jsonPath("$.latency_ms")
			.isEqualTo(cap);
	}

	@Test
	void managementWhenErrorRateOneThenConfiguredStatusInManagementShape() {
		putFaults("management", """
				{"error_rate":1.0,"error_status":502}""");
		getUser().expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.statusCode")
			.isEqualTo(502)
			.jsonPath("$.error")
			.isEqualTo("Bad Gateway");
	}

	@Test
	void tokenWhenErrorRateOneThenDefaultStatusInOAuthShape() {
		putFaults("token", """
				{"error_rate":1.0}""");
		tokenRequest("refresh_token").expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("temporarily_unavailable");
	}

	@Test
	void deleteWhenFaultsSetThenRequestsPassAgain() {
		putFaults("management", """
				{"error_rate":1.0}""");
		getUser().expectStatus().isEqualTo(503);
		this.client.delete().uri("/dev/faults").exchange().expectStatus().isNoContent();
		getUser().expectStatus().isUnauthorized();
		this.client.get().uri("/dev/faults").exchange().expectBody().json("{}");
	}

	@Test
	void putWhenErrorRateAboveOneThenBadRequest() {
		this.client.put()
			.uri("/dev/faults/management")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("error_rate", 1.5))
			.exchange()
			.expectStatus()
			.isBadRequest();
	}

	@Test
	void putWhenGroupUnknownThenNotFound() {
		putFaults("jwks", "{}").expectStatus().isNotFound();
	}

	private RestTestClient.ResponseSpec putFaults(String group, String json) {
		return this.client.put()
			.uri("/dev/faults/{group}", group)
			.contentType(MediaType.APPLICATION_JSON)
			.body(json)
			.exchange();
	}

	private RestTestClient.ResponseSpec getUser() {
		return this.client.get().uri("/api/v2/users/{id}", "auth0|5f7c8ec7c33c6c004bbafe82").exchange();
	}

	private RestTestClient.ResponseSpec tokenRequest(String grantType) {
		var form = new LinkedMultiValueMap<String, String>();
		form.add("grant_type", grantType);
		return this.client.post()
			.uri("/oauth/token")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(form)
			.exchange();
	}

}
