package dev.porter.gateway.problem;

import java.time.Duration;

import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.testsupport.RawConnection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request targets browsers send as they are, which java.net.URI refuses: the WHATWG URL
 * standard leaves {@code | ^ { } [ ] `} and a lone {@code %} unencoded in a query (a deep
 * link into the SPA with {@code ?filter=a|b}). Spring answered them with a bare 400, no
 * problem body and nothing logged, before any of the gateway's code ran. They are now
 * read as their percent-encoded form, as Tomcat's relaxed query characters would, and
 * answered by the gateway's own rules.
 */
class BrowserRequestTargetTests extends GatewayTestSupport {

	@ParameterizedTest
	@CsvSource(delimiter = ' ', value = { "/?filter=a|b 200", "/?q=%7B%7D&r={x} 200", "/?a=[1]&b=^ 200",
			"/me?x=a|b 401", "/bff/login?returnTo=/settings&from={home} 302", "/bff/login?returnTo=/a% 400" })
	void requestWhenItsTargetHoldsWhatBrowsersLeaveUnencodedThenAnsweredAsUsual(String target, int status) {
		RawConnection.Answer response = RawConnection.exchange(this.port,
				"GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", Duration.ofSeconds(10));

		assertThat(response.status()).isEqualTo(status);
		if (status >= 400) {
			// the gateway's own answer: a lone % in returnTo is no local path (ReturnTo)
			assertThat(response.hasHeader("content-type", "application/problem+json")).isTrue();
		}
	}

}
