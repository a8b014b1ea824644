package dev.porter.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HeldAnswers#releaseAll} lets go of every hold, the one whose request has come
 * and is being held included: a test that failed before releasing it would otherwise
 * leave its answer held for the hold's 30 s limit, into the next test.
 */
class HeldAnswersTests {

	/** Well within the 30 s a forgotten hold lasts by itself. */
	private static final long PATIENCE_SECONDS = 10;

	private final HeldAnswers held = new HeldAnswers();

	private WireMockServer server;

	@BeforeEach
	void start() {
		this.server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").extensions(this.held));
		this.server.start();
		this.server.stubFor(get(urlPathEqualTo("/x")).willReturn(ok("answer")));
	}

	@AfterEach
	void stop() {
		this.held.releaseAll();
		this.server.stop();
	}

	@Test
	void releaseAllWhenAHeldRequestHasComeThenItIsAnswered() throws Exception {
		HeldAnswer hold = this.held.add("/x", "");
		CompletableFuture<HttpResponse<String>> answer = HttpClient.newHttpClient()
			.sendAsync(HttpRequest.newBuilder(URI.create(this.server.baseUrl() + "/x")).build(),
					HttpResponse.BodyHandlers.ofString());
		hold.awaitReached();

		this.held.releaseAll();

		assertThat(answer.get(PATIENCE_SECONDS, TimeUnit.SECONDS).body()).isEqualTo("answer");
	}

	@Test
	void releaseAllWhenAHoldsRequestHasNotComeThenItsRequestIsNotHeld() throws Exception {
		this.held.add("/x", "");

		this.held.releaseAll();

		HttpResponse<String> answer = HttpClient.newHttpClient()
			.sendAsync(HttpRequest.newBuilder(URI.create(this.server.baseUrl() + "/x")).build(),
					HttpResponse.BodyHandlers.ofString())
			.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
		assertThat(answer.body()).isEqualTo("answer");
	}

}
