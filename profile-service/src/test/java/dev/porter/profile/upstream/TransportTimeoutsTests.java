package dev.porter.profile.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import dev.porter.profile.problem.UpstreamUnavailableException;
import dev.porter.testsupport.HeldAnswer;
import dev.porter.testsupport.HeldAnswers;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP client's own timers, met by a real {@link WebClient} against a server that
 * holds its answer, and what {@link UpstreamResponses#transport} makes of them. Its
 * response timeout ends an attempt that is taking too long, as the policy's time limiter
 * does: whichever of the two fires first, the attempt must get the limiter's rule (not
 * retried, a change's outcome unknown). When it was taken for an outage, the client's
 * timer firing first sent a change to the Management API a second time. Its wait for a
 * pooled connection ends a request that was never sent: safe to retry, and a change
 * surely not applied.
 */
class TransportTimeoutsTests {

	private static final Duration SHORT = Duration.ofMillis(200);

	private static final HeldAnswers holds = new HeldAnswers();

	private static final WireMockServer server = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1").extensions(holds));

	private final UpstreamResponses responses = new UpstreamResponses("management", Clock.systemUTC(), false);

	private final UpstreamPolicy policy = new UpstreamPolicy("management", Bulkhead.ofDefaults("b"),
			TimeLimiter.ofDefaults("t"), new LocalCallBudget(RateLimiter.ofDefaults("r")),
			CircuitBreaker.ofDefaults("c"), Retry.ofDefaults("retry"), Duration.ofSeconds(5));

	@BeforeAll
	static void start() {
		server.start();
		server.stubFor(any(anyUrl()).willReturn(okJson("{}")));
	}

	@AfterAll
	static void stop() {
		server.stop();
	}

	@AfterEach
	void releaseHolds() {
		holds.releaseAll();
	}

	@Test
	void transportWhenTheClientsResponseTimeoutEndsTheWaitForTheAnswerThenRuledAsTheTimeLimitersTimeout() {
		holds.add("/users/alice", "");
		WebClient client = client(HttpClient.create(ConnectionProvider.newConnection()).responseTimeout(SHORT));

		Throwable failure = this.responses.transport(failureOf(patch(client, "/users/alice")));

		expectTheTimeLimitersRule(failure);
	}

	@Test
	void transportWhenTheClientsResponseTimeoutEndsAStalledBodyThenRuledAsTheTimeLimitersTimeout() throws Exception {
		CountDownLatch done = new CountDownLatch(1);
		try (ServerSocket stalling = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			Thread answering = new Thread(() -> answerHalfABodyThenStall(stalling, done), "stalling-upstream");
			answering.setDaemon(true);
			answering.start();
			WebClient client = client(HttpClient.create(ConnectionProvider.newConnection()).responseTimeout(SHORT));

			Throwable failure = this.responses.transport(failureOf(client.get()
				.uri("http://127.0.0.1:" + stalling.getLocalPort() + "/users/alice")
				.exchangeToMono(this.responses::object)));

			expectTheTimeLimitersRule(failure);
		}
		finally {
			done.countDown();
		}
	}

	@Test
	void transportWhenNoPooledConnectionCameInTimeThenRetriedAndTheChangeSurelyNotApplied() throws Exception {
		ConnectionProvider oneConnection = ConnectionProvider.builder("one")
			.maxConnections(1)
			.pendingAcquireTimeout(SHORT)
			.build();
		try {
			WebClient client = client(HttpClient.create(oneConnection));
			HeldAnswer busy = holds.add("/users/bob", "");
			client.get()
				.uri(server.baseUrl() + "/users/bob")
				.retrieve()
				.toBodilessEntity()
				.onErrorComplete()
				.subscribe();
			busy.awaitReached();

			Throwable failure = this.responses.transport(failureOf(patch(client, "/users/carol")));

			assertThat(UpstreamFailures.isRetryable(failure, Duration.ofSeconds(1))).as("retried").isTrue();
			assertThat(UpstreamFailures.leftUnchanged(failure)).as("surely not applied").isTrue();
			assertThat(server.findAll(patchRequestedFor(urlEqualTo("/users/carol")))).as("never sent").isEmpty();
		}
		finally {
			oneConnection.dispose();
		}
	}

	/**
	 * What the policy makes of the time limiter's own {@link TimeoutException}: not
	 * retried, counted against the circuit, a change's outcome unknown, and the caller's
	 * {@code 503}.
	 */
	private void expectTheTimeLimitersRule(Throwable failure) {
		TimeoutException limiters = new TimeoutException();
		assertThat(UpstreamFailures.isRetryable(failure, Duration.ofSeconds(1))).as("retried")
			.isEqualTo(UpstreamFailures.isRetryable(limiters, Duration.ofSeconds(1)))
			.isFalse();
		assertThat(UpstreamFailures.leftUnchanged(failure)).as("surely not applied")
			.isEqualTo(UpstreamFailures.leftUnchanged(limiters))
			.isFalse();
		assertThat(UpstreamFailures.saysNothingAboutUpstream("management", failure)).as("ignored by the circuit")
			.isFalse();
		Throwable problem = this.policy.toProblem(failure);
		assertThat(problem).isInstanceOf(UpstreamUnavailableException.class);
		assertThat(((UpstreamUnavailableException) problem).getHeaders().getFirst("Retry-After")).isEqualTo(
				((UpstreamUnavailableException) this.policy.toProblem(limiters)).getHeaders().getFirst("Retry-After"));
	}

	private static WebClient client(HttpClient http) {
		return WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
	}

	private Mono<?> patch(WebClient client, String path) {
		return client.patch()
			.uri(server.baseUrl() + path)
			.bodyValue("{\"user_metadata\":{\"theme\":\"dark\"}}")
			.exchangeToMono(this.responses::object);
	}

	private static Throwable failureOf(Mono<?> call) {
		try {
			call.block(Duration.ofSeconds(10));
		}
		catch (RuntimeException ex) {
			// block() rethrows a checked failure wrapped, a runtime one as it is
			return (ex.getClass() == RuntimeException.class && ex.getCause() != null) ? ex.getCause() : ex;
		}
		throw new AssertionError("the call succeeded");
	}

	private static void readHead(InputStream in) throws IOException {
		int matched = 0;
		byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
		while (matched < end.length) {
			int b = in.read();
			if (b == -1) {
				return;
			}
			matched = (b == end[matched]) ? matched + 1 : ((b == end[0]) ? 1 : 0);
		}
	}

	/** Sends an answer's head and half its body, then nothing until {@code done}. */
	private static void answerHalfABodyThenStall(ServerSocket server, CountDownLatch done) {
		try (Socket connection = server.accept()) {
			readHead(connection.getInputStream());
			OutputStream out = connection.getOutputStream();
			out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"user_id\":")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			done.await(30, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			// the client closed it
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
