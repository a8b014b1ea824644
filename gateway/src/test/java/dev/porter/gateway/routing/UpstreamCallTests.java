package dev.porter.gateway.routing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.testsupport.RawConnection;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.security.web.server.header.CacheControlServerHttpHeadersWriter;
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
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the relay's own call to profile-service ({@link UpstreamCall}) must do that Spring
 * Cloud Gateway's routing did before it: the method, raw path and query, end-to-end
 * headers and body go upstream; hop-by-hop headers and the browser's {@code Host} do not;
 * the upstream's status and body come back, and of its headers only those an API answer
 * needs ({@link RelayedAnswerHeaders}).
 */
class UpstreamCallTests extends GatewayTestSupport {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Autowired
	MeterRegistry meters;

	@Test
	void relayWhenQueryStringThenUpstreamGetsRawPathAndQueryUnchanged() {
		PROFILE.stubFor(get(urlPathEqualTo("/me/sessions")).willReturn(okJson("[]")));
		Browser alice = browser().login("auth0|alice", 3600);

		RawConnection.Answer answer = RawConnection.exchange(this.port,
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

		relayGetMe("GET /me HTTP/1.1\r\nHOST: localhost:" + this.port + "\r\nCOOKIE: " + alice.cookieHeader()
				+ "\r\nCONNECTION: keep-alive, x-hop\r\nX-HOP: 1\r\n"
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

		RawConnection.Answer answer = RawConnection.exchange(this.port, request(alice, "POST /me/devices",
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

	/**
	 * The firewall checks a header only when the gateway reads it, and the relay reads
	 * {@code Connection} itself. Read while the call was under way, the firewall's
	 * refusal counted as a failure of profile-service: ten such requests from one user
	 * opened the circuit for everybody. A bodiless GET keeps the firewall's headers; a
	 * PATCH's are copied when its body is read, and must be checked all the same.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "GET /me", "PATCH /me/metadata" })
	void relayWhenConnectionHeaderHoldsControlCharacterThenProblemNamingItAndNothingCountedOnTheBreaker(
			String requestLine) {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson("{}")));
		Browser mallory = browser().login("auth0|mallory", 3600);
		Browser alice = browser().login("auth0|alice", 3600);
		String body = requestLine.startsWith("PATCH") ? "X-XSRF-TOKEN: " + mallory.xsrf()
				+ "\r\nContent-Type: application/json\r\n" + RawConnection.sized("{}") : "\r\n";
		double failedBefore = failedCalls();

		for (int i = 0; i < 12; i++) {
			RawConnection.Answer answer = RawConnection.exchange(this.port,
					request(mallory, requestLine, "Connection: keep-alive, x\u0085\r\n" + body), WAIT);
			assertThat(answer.status()).as(answer.head()).isEqualTo(400);
			assertThat(answer.hasHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")).as(answer.head())
				.isTrue();
		}

		assertThat(PROFILE.getAllServeEvents()).isEmpty();
		assertThat(failedCalls()).isEqualTo(failedBefore);
		alice.get("/me").exchange().expectStatus().isOk();
	}

	/** The problem names the header the firewall refused, as for any header it reads. */
	@Test
	void relayWhenConnectionHeaderHoldsControlCharacterThenTheProblemNamesConnection() {
		Browser mallory = browser().login("auth0|mallory", 3600);

		mallory.get("/me")
			.header(HttpHeaders.CONNECTION, "keep-alive, x\u0085secret")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody(String.class)
			.value((problem) -> assertThat(problem).contains("\"part\":\"header\"")
				.contains("\"header\":\"Connection\"")
				.doesNotContain("secret"));
		assertThat(PROFILE.getAllServeEvents()).isEmpty();
	}

	@Test
	void relayWhenUpstreamNamesHopByHopHeadersInAnyCaseThenNoneComesBack() {
		PROFILE.stubFor(get(urlPathEqualTo("/me/devices")).willReturn(okJson("[]").withHeader("KEEP-ALIVE", "timeout=5")
			.withHeader("PROXY-AUTHENTICATE", "Basic")
			.withHeader("CACHE-STATUS", "profile-service; hit")));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.get("/me/devices")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Cache-Status", "profile-service; hit")
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
			.withHeader("Cache-Status", "profile-service; fwd=uri-miss")
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
			.valueEquals("Cache-Status", "profile-service; fwd=uri-miss")
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

	/**
	 * A proxy or load balancer in front of profile-service that finds no instance answers
	 * with a page of its own. The breaker counts it as a failure of the upstream, and the
	 * SPA gets what it gets for any other: the relay's problem and {@code Retry-After},
	 * never the page.
	 */
	@Test
	void relayWhenProxyInFrontAnswersBadGatewayPageThenRelaysOwnUnavailableProblemWithRetryAfter() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(aResponse().withStatus(502)
			.withHeader(HttpHeaders.CONTENT_TYPE, "text/html")
			.withHeader("Cache-Status", "edge-proxy; fwd=miss")
			.withBody("<html><body>502 Bad Gateway nginx</body></html>")));
		Browser alice = browser().login("auth0|alice", 3600);
		double failedBefore = failedCalls();

		alice.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "5")
			.expectHeader()
			.doesNotExist("Cache-Status")
			.expectBody(String.class)
			.value((problem) -> assertThat(problem).contains("upstream-unavailable")
				.contains("\"retry_after\":5")
				.doesNotContain("nginx"));
		assertThat(failedCalls()).isEqualTo(failedBefore + 1);
	}

	/**
	 * A balancer in front with no instance to send the change to answers its own 503: the
	 * change reached nobody, and the caller is told only to try again, not that it may
	 * have been applied.
	 */
	@Test
	void patchWhenProxyInFrontAnswersItHasNoInstanceThenUnavailableSaysOnlyToTryAgain() {
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata")).willReturn(aResponse().withStatus(503)
			.withHeader(HttpHeaders.CONTENT_TYPE, "text/html")
			.withBody("<html><body>503 Service Temporarily Unavailable</body></html>")));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.patchMetadata(alice.xsrf(), "{\"theme\":\"dark\"}")
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("The profile service is unavailable; try again later");
	}

	/**
	 * profile-service's own 503 (what it depends on is down, nothing cached) is its
	 * defined answer: it comes back as it is, with its own wait, and counts on no
	 * breaker.
	 */
	@Test
	void relayWhenProfileServiceAnswersItsOwnUnavailableProblemThenItComesBackWithItsRetryAfter() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(aResponse().withStatus(503)
			.withHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
			.withHeader(HttpHeaders.RETRY_AFTER, "3")
			.withBody("{\"type\":\"https://porter.example/problems/upstream-unavailable\",\"title\":\"Upstream "
					+ "unavailable\",\"status\":503,\"detail\":\"The directory service is unavailable\"}")));
		Browser alice = browser().login("auth0|alice", 3600);
		double failedBefore = failedCalls();

		alice.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "3")
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("The directory service is unavailable");
		assertThat(failedCalls()).isEqualTo(failedBefore);
	}

	/**
	 * What profile-service answers with, and what an SPA needs of an API answer: its
	 * caching verdict, validators for a conditional request, how long to wait, what it
	 * varies on, its language. (A {@code 429}, which no breaker counts, rather than a
	 * {@code 503}: the suite's tests share the relay's breaker.)
	 */
	@Test
	void relayWhenUpstreamAnswersWithWhatAnApiAnswerNeedsThenAllOfItComesBack() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(aResponse().withStatus(429)
			.withHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
			.withHeader(HttpHeaders.CONTENT_LANGUAGE, "en")
			.withHeader(HttpHeaders.RETRY_AFTER, "7")
			.withHeader(HttpHeaders.ETAG, "W/\"p-1\"")
			.withHeader(HttpHeaders.LAST_MODIFIED, "Fri, 20 Nov 2026 10:00:00 GMT")
			.withHeader(HttpHeaders.VARY, "Accept-Language")
			.withHeader("Cache-Status", "profile-service; fwd=uri-miss; collapsed")
			.withBody("{\"title\":\"Too Many Requests\"}")));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.get("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.contentType("application/problem+json")
			.expectHeader()
			.valueEquals(HttpHeaders.CONTENT_LANGUAGE, "en")
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "7")
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "W/\"p-1\"")
			.expectHeader()
			.valueEquals(HttpHeaders.LAST_MODIFIED, "Fri, 20 Nov 2026 10:00:00 GMT")
			.expectHeader()
			.valueEquals(HttpHeaders.VARY, "Accept-Language")
			.expectHeader()
			.valueEquals("Cache-Status", "profile-service; fwd=uri-miss; collapsed")
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Too Many Requests");
	}

	/**
	 * An upstream that answered a path under {@code /me} with a page or a script would
	 * run it as the gateway's origin, where the page can read the CSRF token and act as
	 * the user; the gateway's CSP allows scripts from {@code 'self'}, which the relayed
	 * paths are. Such an answer's body comes back as bytes the browser neither renders
	 * nor runs.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "text/html", "TEXT/HTML; charset=utf-8", "application/xhtml+xml", "image/svg+xml",
			"text/javascript", "application/javascript", "text/xml", "application/xml", "text/css",
			"multipart/x-mixed-replace; boundary=x", "application/json, text/html", "application/jsonx",
			"application/x-json+html", "text/plain", "*/*" })
	void relayWhenUpstreamAnswersWithAPageOrAScriptThenTheBrowserGetsOpaqueBytes(String type) {
		PROFILE.stubFor(get(urlPathEqualTo("/me/page")).willReturn(aResponse().withStatus(200)
			.withHeader(HttpHeaders.CONTENT_TYPE, type)
			.withBody("<script>fetch('/bff/sessions')</script>")));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.get("/me/page")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_OCTET_STREAM_VALUE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/json", "application/json;charset=UTF-8", "Application/JSON ; charset=utf-8",
			"application/problem+json", "application/vnd.porter.profile+json" })
	void relayWhenUpstreamAnswersWithJsonThenItsTypeComesBack(String type) {
		PROFILE.stubFor(get(urlPathEqualTo("/me/page"))
			.willReturn(aResponse().withStatus(200).withHeader(HttpHeaders.CONTENT_TYPE, type).withBody("{}")));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.get("/me/page")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.CONTENT_TYPE, type);
	}

	/** A body the upstream compressed is read only with the encoding it names. */
	@Test
	void relayWhenUpstreamCompressesTheBodyThenItsEncodingComesBack() throws IOException {
		ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
		try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
			out.write("{\"sub\":\"auth0|alice\"}".getBytes(StandardCharsets.UTF_8));
		}
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(aResponse().withStatus(200)
			.withHeader(HttpHeaders.CONTENT_TYPE, "application/json")
			.withHeader(HttpHeaders.CONTENT_ENCODING, "gzip")
			.withBody(gzipped.toByteArray())));
		Browser alice = browser().login("auth0|alice", 3600);

		byte[] body = alice.get("/me")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.CONTENT_ENCODING, "gzip")
			.expectBody()
			.returnResult()
			.getResponseBody();

		try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
			assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"sub\":\"auth0|alice\"}");
		}
	}

	/** A refusal says what the upstream would accept instead. */
	@Test
	void relayWhenUpstreamRefusesTheMethodOrTheBodysTypeThenWhatItAllowsComesBack() {
		PROFILE.stubFor(get(urlPathEqualTo("/me/metadata"))
			.willReturn(aResponse().withStatus(405).withHeader(HttpHeaders.ALLOW, "PATCH")));
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata"))
			.willReturn(aResponse().withStatus(415).withHeader("Accept-Patch", "application/merge-patch+json")));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.get("/me/metadata")
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "PATCH");
		alice.patchMetadata(alice.xsrf(), "{}")
			.expectStatus()
			.isEqualTo(415)
			.expectHeader()
			.valueEquals("Accept-Patch", "application/merge-patch+json");
	}

	/**
	 * A conditional {@code GET /me} the SPA makes with the {@code ETag} it holds: the
	 * validator and the caching verdict come back, the upstream's caching rules do not.
	 * The gateway's own come instead, as on the {@code 200} (RFC 9110, 15.4.5: a
	 * {@code 304} carries the {@code Cache-Control} and {@code Expires} the {@code 200}
	 * would).
	 */
	@Test
	void relayWhenUpstreamAnswersNotModifiedThenItsValidatorComesBackAndNotItsCachingRules() {
		PROFILE.stubFor(get(urlPathEqualTo("/me")).withHeader(HttpHeaders.IF_NONE_MATCH, equalTo("\"p-1\""))
			.willReturn(aResponse().withStatus(304)
				.withHeader(HttpHeaders.ETAG, "\"p-1\"")
				.withHeader("Cache-Status", "profile-service; hit; ttl=200")
				.withHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=600")
				.withHeader(HttpHeaders.EXPIRES, "Thu, 01 Jan 2099 00:00:00 GMT")));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.get("/me")
			.header(HttpHeaders.IF_NONE_MATCH, "\"p-1\"")
			.exchange()
			.expectStatus()
			.isNotModified()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "\"p-1\"")
			.expectHeader()
			.valueEquals("Cache-Status", "profile-service; hit; ttl=200")
			.expectHeader()
			.valueEquals(HttpHeaders.CACHE_CONTROL, CacheControlServerHttpHeadersWriter.CACHE_CONTROL_VALUE)
			.expectHeader()
			.valueEquals(HttpHeaders.EXPIRES, CacheControlServerHttpHeadersWriter.EXPIRES_VALUE);
	}

	/**
	 * The gateway owns its origin's cookies: an upstream that could set one could plant
	 * its own session on the victim's browser (login CSRF), expire the real one, or flood
	 * the origin with cookies until every request is refused as too large.
	 */
	@Test
	void relayWhenUpstreamSetsCookiesOrClearsSiteDataThenNoneReachesTheBrowser() {
		List<String> planted = List.of(
				Browser.SESSION_COOKIE + "=planted-by-upstream; Path=/; Secure; HttpOnly; SameSite=Lax",
				Browser.SESSION_COOKIE + "=; Path=/; Secure; HttpOnly; Max-Age=0",
				"XSRF-TOKEN=planted-by-upstream; Path=/", "flood-1=" + "x".repeat(4000) + "; Path=/; Max-Age=31536000");
		ResponseDefinitionBuilder answer = okJson("{}").withHeader("Clear-Site-Data", "\"cookies\", \"storage\"");
		for (String cookie : planted) {
			answer = answer.withHeader(HttpHeaders.SET_COOKIE, cookie);
		}
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(answer));
		HttpHeaders headers = aliceGetsMe();

		assertThat(headers.getOrEmpty(HttpHeaders.SET_COOKIE)).noneMatch((cookie) -> cookie.contains("planted")
				|| cookie.startsWith("flood-") || cookie.startsWith(Browser.SESSION_COOKIE));
		assertThat(headers.containsHeader("Clear-Site-Data")).as("Clear-Site-Data").isFalse();
	}

	/**
	 * An upstream answer is an API answer: what it says about the origin, the browser's
	 * storage or other sites (CORS, reporting, alternative services, policies, a
	 * credential prompt) is the gateway's to say, and none of it comes back.
	 */
	@Test
	void relayWhenUpstreamAnswersWithHeadersOnlyTheGatewayMaySetThenNoneComesBack() {
		Map<String, String> gatewaysOnly = new LinkedHashMap<>();
		gatewaysOnly.put("Access-Control-Allow-Origin", "https://evil.example");
		gatewaysOnly.put("Access-Control-Allow-Credentials", "true");
		gatewaysOnly.put("Access-Control-Expose-Headers", "*");
		gatewaysOnly.put("Timing-Allow-Origin", "*");
		gatewaysOnly.put("Refresh", "0; url=https://evil.example/");
		gatewaysOnly.put("Link", "<https://evil.example/x.js>; rel=preload; as=script");
		gatewaysOnly.put("NEL", "{\"report_to\":\"evil\",\"max_age\":31536000,\"include_subdomains\":true}");
		gatewaysOnly.put("Report-To",
				"{\"group\":\"evil\",\"max_age\":31536000," + "\"endpoints\":[{\"url\":\"https://evil.example/r\"}]}");
		gatewaysOnly.put("Reporting-Endpoints", "evil=\"https://evil.example/r\"");
		gatewaysOnly.put("Alt-Svc", "h3=\"evil.example:443\"; ma=31536000");
		gatewaysOnly.put("Permissions-Policy", "camera=*, geolocation=*");
		gatewaysOnly.put("Cross-Origin-Resource-Policy", "cross-origin");
		gatewaysOnly.put("Cross-Origin-Opener-Policy", "unsafe-none");
		gatewaysOnly.put("Content-Security-Policy-Report-Only", "default-src *; report-uri https://evil.example/r");
		gatewaysOnly.put("Content-Disposition", "attachment; filename=\"me.html\"");
		gatewaysOnly.put("Content-Location", "https://evil.example/me");
		gatewaysOnly.put(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Porter\"");
		gatewaysOnly.put("Set-Cookie2", "planted=1");
		gatewaysOnly.put("X-Upstream", "profile");
		ResponseDefinitionBuilder answer = okJson("{}");
		for (Map.Entry<String, String> header : gatewaysOnly.entrySet()) {
			answer = answer.withHeader(header.getKey(), header.getValue());
		}
		PROFILE.stubFor(get(urlPathEqualTo("/me")).willReturn(answer));
		HttpHeaders headers = aliceGetsMe();

		assertThat(gatewaysOnly.keySet().stream().filter(headers::containsHeader)).as("came back").isEmpty();
	}

	/**
	 * A relayed {@code Location} may name only a path on the gateway's own origin: any
	 * other would make the gateway an open redirect. Browsers read a backslash as a slash
	 * and drop tabs and newlines from a URL, so {@code /\host} and {@code /<TAB>/host}
	 * name another host as {@code //host} does.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example/",
			"/\t/evil.example/", "https:evil.example", "javascript:alert(1)", " //evil.example/" })
	void relayWhenUpstreamRedirectsAwayFromTheGatewaysOriginThenNoLocationComesBack(String location) {
		PROFILE.stubFor(get(urlPathEqualTo("/me/next"))
			.willReturn(aResponse().withStatus(302).withHeader(HttpHeaders.LOCATION, location)));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.get("/me/next").exchange().expectStatus().isFound().expectHeader().doesNotExist(HttpHeaders.LOCATION);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/", "/me/devices/d-1", "/me/devices?page=2&tag=a%20b", "/me/devices/d-1#top" })
	void relayWhenUpstreamRedirectsToAPathOfTheGatewaysOriginThenThatLocationComesBack(String location) {
		PROFILE.stubFor(get(urlPathEqualTo("/me/next"))
			.willReturn(aResponse().withStatus(303).withHeader(HttpHeaders.LOCATION, location)));
		Browser alice = browser().login("auth0|alice", 3600);

		alice.get("/me/next")
			.exchange()
			.expectStatus()
			.isSeeOther()
			.expectHeader()
			.valueEquals(HttpHeaders.LOCATION, location);
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
		RawConnection.Answer answer = RawConnection.exchange(this.port, rawRequest, WAIT);
		assertThat(answer.status()).as(answer.head()).isEqualTo(200);
	}

	private double failedCalls() {
		return this.meters.get("resilience4j.circuitbreaker.calls")
			.tag("name", RoutingConfiguration.UPSTREAM)
			.tag("kind", "failed")
			.meter()
			.measure()
			.iterator()
			.next()
			.getValue();
	}

	private String request(Browser browser, String requestLine, String rest) {
		return browser.rawRequestStart(this.port, requestLine) + (rest.isEmpty() ? "\r\n" : rest);
	}

	/** Alice, signed in, loads {@code /me}: the headers of the relayed 200. */
	private HttpHeaders aliceGetsMe() {
		return browser().login("auth0|alice", 3600)
			.get("/me")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(Void.class)
			.getResponseHeaders();
	}

}
