package dev.porter.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import dev.porter.testsupport.ShiftableClock;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every final answer is dated by the service's clock (RFC 9110, 6.6.1), in IMF-fixdate,
 * with the value built once per second; an answer that already has a {@code Date} keeps
 * it, and an interim one gets none.
 */
class DateHeaderHandlerTests {

	private final ShiftableClock clock = new ShiftableClock(
			Clock.fixed(Instant.parse("2026-03-05T07:08:09.250Z"), ZoneOffset.UTC));

	private DisposableServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.disposeNow();
		}
	}

	@Test
	void answerWhenServedThenDatedByTheClockInImfFixdate() {
		this.server = DateHeaderHandler.dateAnswers(HttpServer.create().host("127.0.0.1").port(0), this.clock)
			.handle((request, response) -> response.status(404).send())
			.bindNow();

		List<String> dates = HttpClient.create(ConnectionProvider.newConnection())
			.get()
			.uri("http://127.0.0.1:" + this.server.port() + "/")
			.response()
			.map((response) -> response.responseHeaders().getAll(HttpHeaderNames.DATE))
			.block(Duration.ofSeconds(10));

		// a day of the month below 10 keeps its zero: RFC 1123's formatter would drop it
		assertThat(dates).containsExactly("Thu, 05 Mar 2026 07:08:09 GMT");
	}

	@Test
	void answersWhenWithinOneSecondThenOneValueAndTheNextSecondAnother() {
		DateHeaderHandler handler = new DateHeaderHandler(this.clock);

		CharSequence first = dateOf(handler, response(HttpResponseStatus.OK));
		this.clock.shift(Duration.ofMillis(749));
		CharSequence sameSecond = dateOf(handler, response(HttpResponseStatus.NOT_MODIFIED));
		this.clock.shift(Duration.ofMillis(1));
		CharSequence nextSecond = dateOf(handler, response(HttpResponseStatus.UNAUTHORIZED));

		assertThat(sameSecond).isSameAs(first);
		assertThat(nextSecond).hasToString("Thu, 05 Mar 2026 07:08:10 GMT");
	}

	@Test
	void answerWhenAlreadyDatedThenKeepsItsDate() {
		HttpResponse dated = response(HttpResponseStatus.OK);
		dated.headers().set(HttpHeaderNames.DATE, "Mon, 01 Jan 2001 00:00:00 GMT");

		assertThat(dateOf(new DateHeaderHandler(this.clock), dated)).hasToString("Mon, 01 Jan 2001 00:00:00 GMT");
	}

	/**
	 * An interim answer may go undated (RFC 9110 allows it), and Reactor Netty writes a
	 * {@code 100 Continue} whose headers every connection shares.
	 */
	@Test
	void interimAnswerThenNotDated() {
		EmbeddedChannel channel = new EmbeddedChannel(new DateHeaderHandler(this.clock));
		DefaultFullHttpResponse interim = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
				HttpResponseStatus.CONTINUE);

		channel.writeOutbound(interim);

		assertThat(channel.<HttpResponse>readOutbound().headers().contains(HttpHeaderNames.DATE)).isFalse();
		channel.finishAndReleaseAll();
	}

	private static HttpResponse response(HttpResponseStatus status) {
		return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
	}

	/** The one {@code Date} value {@code handler} wrote on {@code response}. */
	private static CharSequence dateOf(DateHeaderHandler handler, HttpResponse response) {
		EmbeddedChannel channel = new EmbeddedChannel(handler);
		channel.writeOutbound(response);
		HttpResponse written = channel.readOutbound();
		channel.finishAndReleaseAll();
		List<CharSequence> dates = new ArrayList<>();
		written.headers().iteratorCharSequence().forEachRemaining((header) -> {
			if (HttpHeaderNames.DATE.contentEqualsIgnoreCase(header.getKey())) {
				dates.add(header.getValue());
			}
		});
		assertThat(dates).hasSize(1);
		return dates.get(0);
	}

}
