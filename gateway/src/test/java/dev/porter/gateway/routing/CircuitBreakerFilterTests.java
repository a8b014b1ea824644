package dev.porter.gateway.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.support.FilterHarness;
import dev.porter.gateway.support.MovableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ResponseStatusException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the relay's breaker counts: the upstream's 502/503/504 unless it is a problem of
 * its own, connection errors and timeouts; never a 4xx, which is one caller's own answer.
 */
@ExtendWith(OutputCaptureExtension.class)
class CircuitBreakerFilterTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));

	// the production defaults: 50 % of a window of 20, from 10 calls
	private final CircuitBreaker breaker = CircuitBreaker.of("profile-service",
			CircuitBreakerConfig.custom()
				.failureRateThreshold(50)
				.slidingWindowSize(20)
				.minimumNumberOfCalls(10)
				.waitDurationInOpenState(Duration.ofSeconds(10))
				.clock(this.clock)
				.build());

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final CircuitBreakerFilter filter = new CircuitBreakerFilter(this.breaker, FilterHarness.problemWriter(),
			Duration.ofSeconds(5), this.meters, this.clock);

	private final AtomicInteger relayed = new AtomicInteger();

	@ParameterizedTest
	@ValueSource(ints = { 400, 401, 403, 404, 409, 413, 415, 422, 429 })
	void filterWhenUpstreamAnswersCallersClientErrorRepeatedlyThenCircuitStaysClosedAndNextRequestRelayed(int status) {
		for (int i = 0; i < 20; i++) {
			assertThat(relay(status)).isEqualTo(status);
		}

		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(relay(200)).isEqualTo(200);
		assertThat(this.relayed).hasValue(21);
	}

	@ParameterizedTest
	@ValueSource(ints = { 500, 501 })
	void filterWhenUpstreamAnswersOneRequestsServerErrorRepeatedlyThenCircuitStaysClosedAndNextRequestRelayed(
			int status) {
		for (int i = 0; i < 20; i++) {
			assertThat(relay(status)).isEqualTo(status);
		}

		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(relay(200)).isEqualTo(200);
	}

	@ParameterizedTest
	@ValueSource(ints = { 502, 503, 504 })
	void filterWhenUpstreamCannotReachItsDependenciesThenCircuitOpensAndNextRequestGetsServiceUnavailable(int status) {
		for (int i = 0; i < 10; i++) {
			relay(status);
		}

		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		this.filter.filter(exchange, answering(200)).block();
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatusCode.valueOf(503));
		assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("10");
		assertThat(this.relayed).hasValue(10);
	}

	// A proxy's or balancer's page in front of profile-service: counted, and answered as
	// every other failure of the upstream, never passed on with its status and page.
	@ParameterizedTest
	@ValueSource(ints = { 502, 503, 504 })
	void filterWhenSomethingInFrontOfTheUpstreamAnswersGatewayErrorThenOwnUnavailableProblem(int status) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));

		StepVerifier.create(this.filter.filter(exchange, answering(status, MediaType.TEXT_HTML))).verifyComplete();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatusCode.valueOf(503));
		assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("5");
		assertThat(FilterHarness.problem(exchange).get("type").asString()).endsWith("/upstream-unavailable");
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	// profile-service answers a problem of its own when what it depends on fails for one
	// caller (her record unreadable, her /userinfo answering nonsense) or for callers not
	// cached (Auth0 down): it is up, and serves cached profiles meanwhile. Counted, ten
	// such answers opened the circuit for everybody, cached profiles included.
	@ParameterizedTest
	@ValueSource(ints = { 502, 503, 504 })
	void filterWhenUpstreamAnswersAProblemOfItsOwnRepeatedlyThenCircuitStaysClosed(int status) {
		for (int i = 0; i < 20; i++) {
			assertThat(relay(status, MediaType.APPLICATION_PROBLEM_JSON)).isEqualTo(status);
		}

		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(relay(200)).isEqualTo(200);
	}

	@Test
	void filterWhenRelayTimesOutThenFailureCountedAndServiceUnavailable() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));

		this.filter.filter(exchange, (ignored) -> Mono.error(new TimeoutException())).block();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatusCode.valueOf(503));
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	/**
	 * A refusal of the caller's own request raised while the relayed request is built or
	 * sent (the firewall's, for a header the relay reads; any 4xx) goes on to its own
	 * handler: counted, one user's bad requests opened the circuit for everybody.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "firewall", "problem", "status", "thrown" })
	void filterWhenCallersRequestRefusedDuringTheCallThenErrorPassedOnAndNothingCounted(String refusal) {
		this.breaker.transitionToOpenState();
		this.breaker.transitionToHalfOpenState();
		for (int i = 0; i < 20; i++) {
			MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
			StepVerifier.create(this.filter.filter(exchange, refusing(refusal)))
				.expectErrorMatches(
						(ex) -> ex instanceof ServerExchangeRejectedException || ex instanceof ErrorResponse)
				.verify();
			assertThat(exchange.getResponse().getStatusCode()).isNull();
		}

		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(relay(200)).isEqualTo(200);
	}

	/**
	 * One profile-service instance of three down: a third of the calls fail, below the
	 * breaker's threshold, for as long as it stays down. A WARN line per failed request
	 * filled the log; now one line per interval and kind, with a count.
	 */
	@Test
	void filterWhenOneInstanceInThreeFailsThenOneLinePerIntervalPerKindWithACount(CapturedOutput output) {
		for (int i = 0; i < 10; i++) {
			oneCallOfEachKind();
		}
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(lines(output, "relay to profile-service failed: ConnectException")).hasSize(1);
		assertThat(lines(output, "relay to profile-service answered by something in front of it: 502")).hasSize(1);
		assertThat(lines(output, "relay to profile-service lost the answer's body: EOFException")).hasSize(1);

		this.clock.advance(Duration.ofMinutes(1));
		oneCallOfEachKind();

		assertThat(lines(output, "relay to profile-service failed")).hasSize(2)
			.last()
			.asString()
			.contains("(10 since the last report)");
		assertThat(lines(output, "relay to profile-service answered by something in front of it")).hasSize(2)
			.last()
			.asString()
			.contains("(10 since the last report)");
		assertThat(lines(output, "relay to profile-service lost the answer's body")).hasSize(2)
			.last()
			.asString()
			.contains("(10 since the last report)");
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	/**
	 * Nine calls, three of which fail, one of each kind: a refused connection, a proxy's
	 * 502 page, a body cut off after the head was counted.
	 */
	private void oneCallOfEachKind() {
		this.filter
			.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/me")),
					(ignored) -> Mono.error(new java.net.ConnectException("Connection refused")))
			.block();
		relay(200);
		relay(502, MediaType.TEXT_HTML);
		relay(200);
		// the head counted as an answer, then its body lost before the browser had any
		relay(200);
		this.filter
			.bodyLost(MockServerWebExchange.from(MockServerHttpRequest.get("/me")),
					new java.io.EOFException("Connection prematurely closed DURING response"))
			.block();
		relay(200);
		relay(200);
		relay(200);
	}

	/**
	 * The circuit opening was logged nowhere: the failure lines stopped, since no call
	 * went upstream, while every user got 503, which read like a recovery. Each change of
	 * its state is one line, however many requests it refuses meanwhile.
	 */
	@Test
	void filterWhenCircuitOpensAndClosesAgainThenEachChangeLoggedOnce(CapturedOutput output) {
		for (int i = 0; i < 10; i++) {
			relay(504, MediaType.TEXT_HTML);
		}
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		for (int i = 0; i < 20; i++) {
			retryAfterWhileRefused();
		}
		assertThat(lines(output, "circuit")).singleElement()
			.asString()
			.contains("WARN", "relay to profile-service", "circuit open", "100 % of calls failed", "503 for 10s");

		this.clock.advance(Duration.ofSeconds(11));
		int probes = this.breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState();
		for (int i = 0; i < probes; i++) {
			relay(200);
		}

		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		List<String> changes = lines(output, "circuit");
		assertThat(changes).hasSize(3);
		assertThat(changes.get(1)).contains("INFO", "relay to profile-service", "circuit half-open");
		assertThat(changes.get(2)).contains("INFO", "relay to profile-service", "circuit closed");
	}

	// The probes fail: open again, at WARN.
	@Test
	void filterWhenProbesFailThenCircuitOpenAgainLoggedAtWarn(CapturedOutput output) {
		for (int i = 0; i < 10; i++) {
			relay(504, MediaType.TEXT_HTML);
		}
		this.clock.advance(Duration.ofSeconds(11));
		int probes = this.breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState();
		for (int i = 0; i < probes; i++) {
			relay(504, MediaType.TEXT_HTML);
		}

		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(lines(output, "circuit")).hasSize(3)
			.last()
			.asString()
			.contains("WARN", "relay to profile-service", "circuit open");
	}

	private static List<String> lines(CapturedOutput output, String part) {
		return output.getOut().lines().filter((line) -> line.contains(part)).toList();
	}

	private static GatewayFilterChain refusing(String refusal) {
		return switch (refusal) {
			case "firewall" -> (exchange) -> Mono.error(new ServerExchangeRejectedException("bad header"));
			case "problem" ->
				(exchange) -> Mono.error(new ProblemException(Problems.requestRejected("header", "bad header"), null));
			case "status" -> (exchange) -> Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST));
			default -> (exchange) -> {
				throw new ServerExchangeRejectedException("bad header");
			};
		};
	}

	@Test
	void filterWhenCircuitHalfOpenAndCallersClientErrorsThenProbeSlotsFreedAndCircuitStillDecidesOnHealth() {
		this.breaker.transitionToOpenState();
		this.breaker.transitionToHalfOpenState();
		for (int i = 0; i < 20; i++) {
			assertThat(relay(422)).isEqualTo(422);
		}
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);

		for (int i = 0; i < 10; i++) {
			relay(200);
		}
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void filterWhenCircuitOpenThenUnavailableProblemUntilTheProbeAndNothingRelayed() {
		this.breaker.transitionToOpenState();
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));

		this.filter.filter(exchange, answering(200)).block();

		JsonNode problem = FilterHarness.problem(exchange);
		assertThat(problem.get("type").asString()).endsWith("/upstream-unavailable");
		assertThat(problem.get("detail").asString()).contains("profile service");
		assertThat(problem.get("retry_after").asLong()).isEqualTo(10);
		assertThat(this.relayed).hasValue(0);
		assertThat(relayTimer("rejected").count()).isEqualTo(1);
	}

	/**
	 * The wait asked of a caller while the circuit is open is what is left of it, not the
	 * whole: told to wait 10 s at 9.9 s, every caller came back long after the probe.
	 */
	@Test
	void filterWhenCircuitOpenForAWhileThenRetryAfterIsTheTimeLeftUntilTheProbe() {
		for (int i = 0; i < 10; i++) {
			relay(504);
		}
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

		this.clock.advance(Duration.ofSeconds(4));
		assertThat(retryAfterWhileRefused()).isEqualTo("6");
		this.clock.advance(Duration.ofMillis(5900));
		assertThat(retryAfterWhileRefused()).isEqualTo("1");
		assertThat(this.relayed).hasValue(10);
	}

	/**
	 * The open circuit lets a probe through once its wait has passed by the wall clock:
	 * stepped back ten minutes (NTP, a VM restored), it refused every call for ten
	 * minutes more, each told to wait that long, with profile-service long back.
	 */
	@Test
	void filterWhenTheClockSteppedBackWhileTheCircuitWasOpenThenAProbeGoesOnceTheWaitHasPassed() {
		for (int i = 0; i < 10; i++) {
			relay(504);
		}
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

		this.clock.moveTo(this.clock.instant().minus(Duration.ofMinutes(10)));
		this.clock.advance(Duration.ofSeconds(10));

		assertThat(relay(200)).isEqualTo(200);
		assertThat(this.relayed).hasValue(11);
	}

	/** Half-open, the probes are under way: the next may go within the second. */
	@Test
	void filterWhenCircuitHalfOpenAndEveryProbeUnderWayThenRetryAfterIsOneSecond() {
		this.breaker.transitionToOpenState();
		this.breaker.transitionToHalfOpenState();
		int probes = this.breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState();
		for (int i = 0; i < probes; i++) {
			this.filter.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/me")), (ignored) -> Mono.never())
				.subscribe();
		}

		assertThat(retryAfterWhileRefused()).isEqualTo("1");
	}

	/** The {@code Retry-After} of a request the circuit refuses, nothing relayed. */
	private String retryAfterWhileRefused() {
		int relayedBefore = this.relayed.get();
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		this.filter.filter(exchange, answering(200)).block();
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatusCode.valueOf(503));
		assertThat(this.relayed).hasValue(relayedBefore);
		return exchange.getResponse().getHeaders().getFirst("Retry-After");
	}

	@Test
	void filterWhenRelayFailsThenRetryAfterIsTheConfiguredWait() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));

		this.filter.filter(exchange, (ignored) -> Mono.error(new java.net.ConnectException())).block();

		assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("5");
		assertThat(relayTimer("error").count()).isEqualTo(1);
	}

	@Test
	void filterWhenUpstreamAnswersThenLatencyRecordedUnderItsStatus() {
		relay(200);
		relay(200);
		relay(404);

		assertThat(relayTimer("200").count()).isEqualTo(2);
		assertThat(relayTimer("404").count()).isEqualTo(1);
	}

	@Test
	void filterWhenProbingCallersGoAwayThenTheirProbeSlotsFreed() {
		this.breaker.transitionToOpenState();
		this.breaker.transitionToHalfOpenState();
		int probes = this.breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState();
		for (int i = 0; i < probes; i++) {
			MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
			StepVerifier.create(this.filter.filter(exchange, (ignored) -> Mono.never())).thenCancel().verify();
		}

		assertThat(relay(200)).isEqualTo(200);
		assertThat(this.relayed).hasValue(1);
	}

	@ParameterizedTest
	@CsvSource({ "200, SUCCESS", "204, SUCCESS", "304, SUCCESS", "400, IGNORED", "404, IGNORED", "422, IGNORED",
			"429, IGNORED", "500, IGNORED", "501, IGNORED", "502, FAILURE", "503, FAILURE", "504, FAILURE" })
	void outcomeWhenUpstreamStatusThenOnlyGatewayClassFailuresCount(int status, RelayBreaker.Outcome outcome) {
		HttpHeaders html = new HttpHeaders();
		html.setContentType(MediaType.TEXT_HTML);
		assertThat(RelayBreaker.Outcome.of(HttpStatusCode.valueOf(status), html)).isEqualTo(outcome);
	}

	// A balancer's 503 with a Content-Type that does not parse is no problem document of
	// profile-service's: a failure, never an exception inside the breaker.
	@Test
	void outcomeWhenUpstreamContentTypeMalformedThenAFailureCounts() {
		HttpHeaders malformed = new HttpHeaders();
		malformed.set(HttpHeaders.CONTENT_TYPE, "problem");
		assertThat(RelayBreaker.Outcome.of(HttpStatusCode.valueOf(503), malformed))
			.isEqualTo(RelayBreaker.Outcome.FAILURE);
	}

	// Only profile-service's own type is its own: a wildcard a proxy may send is no
	// problem document.
	@ParameterizedTest
	@ValueSource(strings = { "*/*", "application/*", "application/*+json" })
	void outcomeWhenUpstreamContentTypeIsAWildcardThenAFailureCounts(String type) {
		HttpHeaders wildcard = new HttpHeaders();
		wildcard.set(HttpHeaders.CONTENT_TYPE, type);
		assertThat(RelayBreaker.Outcome.of(HttpStatusCode.valueOf(503), wildcard))
			.isEqualTo(RelayBreaker.Outcome.FAILURE);
	}

	private Timer relayTimer(String outcome) {
		return this.meters.get(RelayTimers.NAME).tags("upstream", "profile-service", "outcome", outcome).timer();
	}

	private int relay(int status) {
		return relay(status, null);
	}

	private int relay(int status, @Nullable MediaType contentType) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		StepVerifier.create(this.filter.filter(exchange, answering(status, contentType))).verifyComplete();
		return exchange.getResponse().getStatusCode().value();
	}

	private GatewayFilterChain answering(int status) {
		return answering(status, null);
	}

	/**
	 * An upstream answering {@code status}, with {@code contentType} when not null: as
	 * {@link UpstreamCall#relay} does, its status and headers are taken into the
	 * response, and its body is left to be written after the filters.
	 */
	private GatewayFilterChain answering(int status, @Nullable MediaType contentType) {
		return (exchange) -> {
			this.relayed.incrementAndGet();
			exchange.getResponse().setStatusCode(HttpStatusCode.valueOf(status));
			if (contentType != null) {
				exchange.getResponse().getHeaders().setContentType(contentType);
			}
			return Mono.empty();
		};
	}

}
