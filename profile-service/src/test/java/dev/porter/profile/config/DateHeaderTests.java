package dev.porter.profile.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.RawConnection;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every answer of the service carries one {@code Date} from its clock (RFC 9110, 6.6.1):
 * a profile, a {@code 304}, a refused token, an unknown path, and the answer Reactor
 * Netty gives a request it could not decode.
 */
class DateHeaderTests extends ProfileServiceIntegrationTest {

	@Autowired
	private Clock clock;

	@Test
	void answersWhenProfileNotModifiedRefusedOrUnknownThenEachDated() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		Instant before = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);

		String etag = assertDated(this.client.get().uri("/me").headers((h) -> h.setBearerAuth(token)), before)
			.getETag();
		assertDated(this.client.get()
			.uri("/me")
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.IF_NONE_MATCH, etag), before);
		assertDated(this.client.get().uri("/me"), before);
		assertDated(this.client.get().uri("/no-such-path").headers((h) -> h.setBearerAuth(token)), before);
	}

	@Test
	void answerWhenRequestCannotBeDecodedThenDated() {
		Instant before = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);

		RawConnection.Answer answer = RawConnection.exchange(this.port,
				"GET /me HTTP/1.1\r\nHost: localhost\r\nX-Long: " + "a".repeat(20_000) + "\r\n\r\n",
				Duration.ofSeconds(10));

		assertThat(answer.status()).isEqualTo(431);
		String head = answer.head();
		int start = head.toLowerCase().indexOf("\r\ndate: ") + 8;
		assertThat(start).as(head).isGreaterThan(7);
		assertWithin(head.substring(start, head.indexOf("\r\n", start)), before);
	}

	private HttpHeaders assertDated(WebTestClient.RequestHeadersSpec<?> request, Instant before) {
		HttpHeaders headers = request.exchange().returnResult(Void.class).getResponseHeaders();
		List<String> dates = headers.get(HttpHeaders.DATE);
		assertThat(dates).hasSize(1);
		assertWithin(dates.get(0), before);
		return headers;
	}

	/** IMF-fixdate, of a second from {@code before} to now on the service's clock. */
	private void assertWithin(String date, Instant before) {
		assertThat(date).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
		Instant dated = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
		assertThat(dated).isBetween(before, this.clock.instant());
	}

}
