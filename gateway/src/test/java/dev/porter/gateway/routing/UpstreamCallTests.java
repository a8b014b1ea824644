package dev.porter.gateway.routing;

import java.time.Duration;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.RawHttp;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the relay's own call to profile-service ({@link UpstreamCall}) must do that Spring
 * Cloud Gateway's routing did before it: the method, raw path and query, end-to-end
 * headers and body go upstream; hop-by-hop headers and the browser's {@code Host} do not;
 * the upstream's status, headers and body come back, without its hop-by-hop headers.
 */
class UpstreamCallTests extends GatewayTestSupport {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Test
	void relayWhenQueryStringThenUpstreamGetsRawPathAndQueryUnchanged() {
		PROFILE.stubFor(get(urlPathEqualTo("/me/sessions")).willReturn(okJson("[]")));
		Browser alice = browser().login("auth0|alice", 3600);

		RawHttp.Response answer = RawHttp.send(this.port,
				request(alice, "GET /me/sessions?since=2026-01-01T00%3A00%3A00Z&tag=a%20b&tag=c%2Fd", ""), WAIT);

		assertThat(answer.status()).as(answer.head()).isEqualTo(200);
		PROFILE.verify(1,
				getRequestedFor(urlEqualTo("/me/sessions?since=2026-01-01T00%3A00%3A00Z&tag=a%20b&tag=c%2Fd")));
	}

	@Test
	void relayWhenHopByHopRequestHeadersThenUpstreamGetsOnlyEndToEndOnesAndItsOwnHost() {
		Browser alice = browser().login("auth0|alice", 3600);

		relayGetMe(request(alice, "GET /me",
				"Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
						+ "Proxy-Authorization: Basic YWxpY2U6c2VjcmV0\r\nX-Request-Id: r-1\r\n"
						+ "Accept-Language: de\r\n\r\n"));

		PROFILE.verify(1,
				getRequestedFor(urlEqualTo("/me")).withHeader("X-Request-Id", equalTo("r-1"))
					.withHeader(HttpHeaders.ACCEPT_LANGUAGE, equalTo("de"))
					.withHeader(HttpHeaders.HOST, equalTo("localhost:" + PROFILE.port()))
					.withHeader("X-Hop", absent())
					.withHeader("Keep-Alive", absent())
					.withHeader("TE", absent())
					.withHeader(HttpHeaders.PROXY_AUTHORIZATION, absent()));
		LoggedRequest relayed = PROFILE.findAll(anyRequestedFor(anyUrl())).get(0);
		assertThat(relayed.containsHeader(HttpHeaders.CONNECTION)
				? relayed.getHeader(HttpHeaders.CONNECTION).toLowerCase() : "")
			.doesNotContain("x-hop");
	}

	@Test
	void relayWhenHeaderNamesAreUpperCaseThenHopByHopAndCredentialsStillStayBehind() {
		Browser alice = browser().login("auth0|alice", 3600);

		relayGetMe("GET /me HTTP/1.1\r\nHOST: localhost:" + this.port + "\r\nCOOKIE: "
				+ RawHttp.cookieHeader(alice.cookies()) + "\r\nCONNECTION: keep-alive, x-hop\r\nX-HOP: 1\r\n"
				+ "KEEP-ALIVE: timeout=5\r\nPROXY-AUTHORIZATION: Basic YWxpY2U6c2VjcmV0\r\n"
				+ "AUTHORIZATION: Basic YWxpY2U6c2VjcmV0\r\nX-XSRF-TOKEN: " + alice.xsrf()
				+ "\r\nX-REQUEST-ID: r-2\r\n\r\n");

		PROFILE.verify(1,
				getRequestedFor(urlEqualTo("/me")).withHeader("X-Request-Id", equalTo("r-2"))
					.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + alice.tokens().accessToken()))
					.withHeader(HttpHeaders.HOST, equalTo("localhost:" + PROFILE.port()))
					.withHeader(HttpHeaders.COOKIE, absent())
					.withHeader("X-XSRF-TOKEN", absent())
					.withHeader("X-Hop", absent())
					.withHeader("Keep-Alive", absent())
					.withHeader(HttpHeaders.PROXY_AUTHORIZATION, absent()));
	}

	@Test
	void relayWhenConnectionHeaderSentTwiceThenWhatEitherNamesStaysBehind() {
		Browser alice = browser().login("auth0|alice", 3600);

		relayGetMe(request(alice, "GET /me",
				"Connection: keep-alive\r\nConnection: X-Hop\r\nX-Hop: 1\r\nX-Request-Id: r-3\r\n\r\n"));

		PROFILE.verify(1, getRequestedFor(urlEqualTo("/me")).withHeader("X-Request-Id", equalTo("r-3"))
			.withHeader("X-Hop", absent()));
	}

	/**
	 * A client may name any header in {@code Connection}. Those that frame and type the
	 * body the gateway read and checked are not the client's to take away: without them
	 * the body would go upstream chunked, or as JSON without saying so.
	 */
	@Test
	void relayWhenConnectionNamesTheBodysLengthAndTypeThenUpstreamGetsThemAllTheSame() {
		PROFILE.stubFor(post(urlPathEqualTo("/me/devices")).willReturn(aResponse().withStatus(201)));
		Browser alice = browser().login("auth0|alice", 3600);
		String body = "{\"name\":\"phone\"}";

		RawHttp.Response answer = RawHttp.send(this.port, request(alice, "POST /me/devices",
				"Connection: keep-alive, Content-Length, Content-Type\r\nX-XSRF-TOKEN: " + alice.xsrf()
						+ "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body),
				WAIT);

		assertThat(answer.status()).as(answer.head()).isEqualTo(201);
		PROFILE.verify(1,
				postRequestedFor(urlEqualTo("/me/devices")).withHeader(HttpHeaders.CONTENT_LENGTH, equalTo("16"))
					.withHeader(HttpHeaders.CONTENT_TYPE, equalTo("application/json"))
					.withHeader(HttpHeaders.TRANSFER_ENCODING, absent())
					.withRequestBody(equalToJson(body)));
	}

	@Test
	void relayWhenUpstreamNamesHopByHopHeadersInAnyCaseThenNoneComesBack() {
		PROFILE.stubFor(get(urlPathEqualTo("/me/devices")).willReturn(okJson("[]").withHeader("KEEP-ALIVE", "timeout=5")
			.withHeader("PROXY-AUTHENTICATE", "Basic")
			.withHeader("X-UPSTREAM", "profile")));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.get("/me/devices")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Upstream", "profile")
			.expectHeader()
			.doesNotExist("Keep-Alive")
			.expectHeader()
			.doesNotExist("Proxy-Authenticate");
	}

	/**
	 * The relay passes on the request as the gateway's filters left it, not as the client
	 * sent it: forwarded headers from a peer outside {@code TRUSTED_PROXIES} are removed
	 * before the relay, so a relay reading the server's raw headers would hand
	 * profile-service a client-written address.
	 */
	@Test
	void relayWhenUntrustedClientSendsForwardedHeadersThenUpstreamDoesNotSeeThem() {
		Browser alice = browser().login("auth0|alice", 3600);

		relayGetMe(request(alice, "GET /me",
				"X-Forwarded-For: 203.0.113.66\r\nX-Forwarded-Host: evil.example\r\n"
						+ "X-Forwarded-Proto: https\r\nForwarded: for=203.0.113.66;host=evil.example\r\n"
						+ "X-Request-Id: r-3\r\n\r\n"));

		PROFILE.verify(1,
				getRequestedFor(urlEqualTo("/me")).withHeader("X-Request-Id", equalTo("r-3"))
					.withHeader("X-Forwarded-For", absent())
					.withHeader("X-Forwarded-Host", absent())
					.withHeader("X-Forwarded-Proto", absent())
					.withHeader("Forwarded", absent()));
	}

	@Test
	void relayWhenBrowserSendsCredentialsThenUpstreamGetsOnlyTheSessionsBearer() {
		Browser alice = browser().login("auth0|alice", 3600);

		relayGetMe(request(alice, "GET /me",
				"Authorization: Basic YWxpY2U6c2VjcmV0\r\nX-XSRF-TOKEN: " + alice.xsrf() + "\r\n\r\n"));

		PROFILE.verify(1,
				getRequestedFor(urlEqualTo("/me"))
					.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + alice.tokens().accessToken()))
					.withHeader(HttpHeaders.COOKIE, absent())
					.withHeader("X-XSRF-TOKEN", absent()));
		assertThat(PROFILE.findAll(anyRequestedFor(anyUrl()))
			.get(0)
			.getHeaders()
			.getHeader(HttpHeaders.AUTHORIZATION)
			.values()).hasSize(1);
	}

	@Test
	void relayWhenUpstreamAnswersThenItsStatusHeadersAndBodyComeBackWithoutHopByHopHeaders() {
		PROFILE.stubFor(get(urlPathEqualTo("/me/devices")).willReturn(aResponse().withStatus(409)
			.withHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
			.withHeader(HttpHeaders.ETAG, "\"v7\"")
			.withHeader("X-Upstream", "profile")
			.withHeader("Keep-Alive", "timeout=5")
			.withHeader("Proxy-Authenticate", "Basic")
			.withBody("{\"title\":\"Conflict\"}")));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.get("/me/devices")
			.exchange()
			.expectStatus()
			.isEqualTo(409)
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "\"v7\"")
			.expectHeader()
			.valueEquals("X-Upstream", "profile")
			.expectHeader()
			.contentType("application/problem+json")
			.expectHeader()
			.doesNotExist("Keep-Alive")
			.expectHeader()
			.doesNotExist("Proxy-Authenticate")
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Conflict");
	}

	@Test
	void relayWhenDeleteThenUpstreamGetsDeleteWithoutBodyAndItsNoContentComesBack() {
		PROFILE.stubFor(delete(urlPathEqualTo("/me/sessions/s-1")).willReturn(aResponse().withStatus(204)));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.method(HttpMethod.DELETE, "/me/sessions/s-1")
			.header("X-XSRF-TOKEN", alice.xsrf())
			.exchange()
			.expectStatus()
			.isNoContent()
			.expectBody()
			.isEmpty();
		PROFILE.verify(1,
				deleteRequestedFor(urlEqualTo("/me/sessions/s-1"))
					.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer " + alice.tokens().accessToken()))
					.withHeader(HttpHeaders.TRANSFER_ENCODING, absent()));
		assertThat(PROFILE.findAll(anyRequestedFor(anyUrl())).get(0).getBody()).isEmpty();
	}

	@Test
	void relayWhenPostWithJsonBodyThenUpstreamGetsPostWithThatBodyAndItsCreatedComesBack() {
		PROFILE.stubFor(post(urlPathEqualTo("/me/devices"))
			.willReturn(aResponse().withStatus(201).withHeader(HttpHeaders.LOCATION, "/me/devices/d-1")));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.method(HttpMethod.POST, "/me/devices")
			.header("X-XSRF-TOKEN", alice.xsrf())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"name\":\"phone\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueEquals(HttpHeaders.LOCATION, "/me/devices/d-1");
		PROFILE.verify(1,
				postRequestedFor(urlEqualTo("/me/devices")).withHeader(HttpHeaders.CONTENT_LENGTH, equalTo("16"))
					.withHeader(HttpHeaders.CONTENT_TYPE, equalTo("application/json"))
					.withRequestBody(equalToJson("{\"name\":\"phone\"}")));
	}

	/**
	 * Sends {@code rawRequest}, a {@code GET /me}, through the gateway to a
	 * profile-service answering {@code {}}; the relay must answer {@code 200}.
	 */
	private void relayGetMe(String rawRequest) {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{}")));
		RawHttp.Response answer = RawHttp.send(this.port, rawRequest, WAIT);
		assertThat(answer.status()).as(answer.head()).isEqualTo(200);
	}

	private String request(Browser browser, String requestLine, String rest) {
		return RawHttp.signedIn(this.port, browser, requestLine) + (rest.isEmpty() ? "\r\n" : rest);
	}

}
