package dev.porter.gateway.support;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser's cookie jar in front of a {@link WebTestClient}: logs in through the real
 * OIDC flow against {@link TestIdp} and keeps the session and XSRF cookies it is given.
 * The client talks plain http to {@code localhost}; the jar keeps {@code Secure} cookies
 * there as Chrome and Firefox do, or drops them as Safari does ({@link #safari}).
 */
public final class Browser {

	/**
	 * The session cookie's name on the gateway the tests start, whose
	 * {@code PUBLIC_BASE_URL} is plain http ({@code http://localhost:8080}).
	 */
	public static final String SESSION_COOKIE = "porter-session";

	private static final String CALLBACK = "/login/oauth2/code/auth0?code=test-code&state={state}";

	private final WebTestClient client;

	private final Map<String, String> cookies = new LinkedHashMap<>();

	private final boolean keepsSecureCookiesOverHttp;

	private TestIdp.Tokens tokens;

	public Browser(WebTestClient client) {
		this(client, true);
	}

	private Browser(WebTestClient client, boolean keepsSecureCookiesOverHttp) {
		this.client = client;
		this.keepsSecureCookiesOverHttp = keepsSecureCookiesOverHttp;
	}

	/**
	 * A browser that, like Safari, keeps no {@code Secure} cookie a plain-http origin
	 * sets, loopback included (WebKit bug 281149; Chrome and Firefox keep them on
	 * loopback).
	 */
	public static Browser safari(WebTestClient client) {
		return new Browser(client, false);
	}

	/**
	 * Logs in as {@code sub}; the access token expires in {@code expiresIn} seconds (0:
	 * the IdP's answer states no {@code expires_in}).
	 */
	public Browser login(String sub, long expiresIn) {
		return login(sub, "sid-" + UUID.randomUUID(), expiresIn);
	}

	/**
	 * Logs in as {@code sub} within the IdP session {@code sid} (the IdP hands the same
	 * sid to every login of one IdP session).
	 */
	public Browser login(String sub, String sid, long expiresIn) {
		URI landing = attemptLogin(sub, sid, expiresIn);
		assertThat(landing).isEqualTo(URI.create("/ok/path"));
		return this;
	}

	/**
	 * Goes through the login as {@code sub} whatever the outcome, keeping the cookies the
	 * callback sets, and returns where the callback sends the browser.
	 */
	public URI attemptLogin(String sub, String sid, long expiresIn) {
		return attemptLogin(sub, sid, expiresIn, () -> {
		});
	}

	/**
	 * {@link #attemptLogin(String, String, long)}, with {@code beforeCallback} run once
	 * the IdP has been asked and before the browser comes back to the callback.
	 */
	public URI attemptLogin(String sub, String sid, long expiresIn, Runnable beforeCallback) {
		String state = startLogin(sub, sid, expiresIn);
		beforeCallback.run();
		EntityExchangeResult<byte[]> callback = this.client.get()
			.uri(CALLBACK, state)
			.cookies((jar) -> this.cookies.forEach(jar::add))
			.exchange()
			.expectStatus()
			.isFound()
			.expectBody()
			.returnResult();
		keepCookies(callback.getResponseCookies());
		return callback.getResponseHeaders().getLocation();
	}

	/**
	 * Takes a login as {@code sub} as far as the IdP's answer, and answers the callback
	 * the browser would come back with, to the gateway on {@code port}, for a client that
	 * stops waiting for it ({@link LeavingClient}). The browser keeps no cookie of it.
	 */
	public WebClient.RequestHeadersSpec<?> loginCallback(int port, String sub, String sid, long expiresIn) {
		String state = startLogin(sub, sid, expiresIn);
		return client(port).get().uri(CALLBACK, state).cookies((jar) -> this.cookies.forEach(jar::add));
	}

	/**
	 * Starts a login at {@code /bff/login}, keeping the cookies it sets, and stubs the
	 * IdP's code exchange for it; answers the state the IdP sends back.
	 */
	private String startLogin(String sub, String sid, long expiresIn) {
		StartedLogin login = clickSignIn();
		this.tokens = TestIdp.instance().stubCodeExchange(login.nonce(), sub, sid, expiresIn);
		return login.state();
	}

	/**
	 * "Sign in" clicked in one of this browser's tabs: {@code /bff/login}, returning to
	 * {@code /ok/path}, with the cookies it sets kept; the browser is at the IdP now.
	 */
	public StartedLogin clickSignIn() {
		EntityExchangeResult<byte[]> start = this.client.get()
			.uri("/bff/login?returnTo=/ok/path")
			.exchange()
			.expectStatus()
			.isFound()
			.expectBody()
			.returnResult();
		keepCookies(start.getResponseCookies());
		MultiValueMap<String, String> authorize = UriComponentsBuilder.fromUri(start.getResponseHeaders().getLocation())
			.build()
			.getQueryParams();
		return new StartedLogin(decode(authorize.getFirst("state")), authorize.getFirst("nonce"));
	}

	/**
	 * The IdP sends the tab of {@code login} back, signed in there as {@code sub}: stubs
	 * the code exchange for that login, keeps the cookies the callback sets, and returns
	 * where it sends the browser.
	 */
	public URI completeLogin(StartedLogin login, String sub) {
		this.tokens = TestIdp.instance().stubCodeExchange(login.nonce(), sub, "sid-" + UUID.randomUUID(), 3600);
		EntityExchangeResult<byte[]> callback = this.client.get()
			.uri(CALLBACK, login.state())
			.cookies((jar) -> this.cookies.forEach(jar::add))
			.exchange()
			.expectStatus()
			.isFound()
			.expectBody()
			.returnResult();
		keepCookies(callback.getResponseCookies());
		return callback.getResponseHeaders().getLocation();
	}

	/** A login sent to the IdP and not back yet: what the IdP sends back with it. */
	public record StartedLogin(String state, String nonce) {
	}

	/**
	 * A client of the gateway on {@code port} that sends this browser's cookies (as they
	 * are now) and asks for JSON, on a connection of its own per request.
	 */
	public WebClient webClient(int port) {
		return client(port).mutate().defaultCookies((jar) -> this.cookies.forEach(jar::add)).build();
	}

	private static WebClient client(int port) {
		return WebClient.builder()
			.clientConnector(TestClients.connector())
			.baseUrl("http://localhost:" + port)
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.build();
	}

	/** Fetches the XSRF-TOKEN cookie (any request gets one) and returns its value. */
	public String xsrf() {
		if (!this.cookies.containsKey("XSRF-TOKEN")) {
			EntityExchangeResult<byte[]> result = this.client.get()
				.uri("/bff/session")
				.cookies((jar) -> this.cookies.forEach(jar::add))
				.exchange()
				.expectBody()
				.returnResult();
			keepCookies(result.getResponseCookies());
		}
		return this.cookies.get("XSRF-TOKEN");
	}

	public WebTestClient.RequestHeadersSpec<?> get(String path) {
		return this.client.get()
			.uri(path)
			.header(HttpHeaders.ACCEPT, "application/json")
			.cookies((jar) -> this.cookies.forEach(jar::add));
	}

	/**
	 * {@code GET path} is answered the login-required problem: {@code 401},
	 * {@code application/problem+json}, {@code login_url} {@code /bff/login}.
	 */
	public void expectLoginRequired(String path) {
		get(path).exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.login_url")
			.isEqualTo("/bff/login");
	}

	public WebTestClient.RequestBodySpec method(org.springframework.http.HttpMethod method, String path) {
		return this.client.method(method)
			.uri(path)
			.header(HttpHeaders.ACCEPT, "application/json")
			.cookies((jar) -> this.cookies.forEach(jar::add));
	}

	/**
	 * {@code PATCH /me/metadata} with a JSON body, echoing {@code xsrf} in the CSRF
	 * header, or without that header when it is {@code null}.
	 */
	public WebTestClient.ResponseSpec patchMetadata(@Nullable String xsrf, String json) {
		WebTestClient.RequestBodySpec request = method(org.springframework.http.HttpMethod.PATCH, "/me/metadata");
		if (xsrf != null) {
			request.header("X-XSRF-TOKEN", xsrf);
		}
		return request.contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
	}

	/**
	 * The start of this browser's request to the gateway on {@code port}, for a test that
	 * writes it byte by byte ({@link dev.porter.testsupport.RawConnection}): the request
	 * line, {@code Host}, {@code Accept: application/json} and its cookies. The caller
	 * adds its other headers, the blank line and any body.
	 */
	public String rawRequestStart(int port, String requestLine) {
		return requestLine + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nAccept: application/json\r\nCookie: "
				+ cookieHeader() + "\r\n";
	}

	/** The value of the {@code Cookie} header this browser sends. */
	public String cookieHeader() {
		return this.cookies.entrySet()
			.stream()
			.map((c) -> c.getKey() + "=" + c.getValue())
			.collect(Collectors.joining("; "));
	}

	/**
	 * This browser at another gateway instance: its cookies (and the tokens its login
	 * got), sent through {@code client}.
	 */
	public Browser on(WebTestClient client) {
		Browser moved = new Browser(client, this.keepsSecureCookiesOverHttp);
		moved.cookies.putAll(this.cookies);
		moved.tokens = this.tokens;
		return moved;
	}

	public Map<String, String> cookies() {
		return this.cookies;
	}

	public TestIdp.Tokens tokens() {
		return this.tokens;
	}

	public String sessionId() {
		return this.cookies.get(SESSION_COOKIE);
	}

	private void keepCookies(MultiValueMap<String, ResponseCookie> received) {
		received.forEach((name, values) -> values.forEach((cookie) -> {
			if (cookie.isSecure() && !this.keepsSecureCookiesOverHttp) {
				return;
			}
			if (cookie.getMaxAge().isZero()) {
				this.cookies.remove(name);
			}
			else {
				this.cookies.put(name, cookie.getValue());
			}
		}));
	}

	private static String decode(String value) {
		return java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8);
	}

}
