package dev.porter.gateway.support;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * A login a fresh browser started at {@code /bff/login} (returning to {@code /ok/path}),
 * sent to the IdP and not yet back: its {@code nonce} and {@code state}, and the cookies
 * the browser got with them, for tests that come back to the callback by hand.
 */
public final class PendingLogin {

	private final WebTestClient client;

	private final EntityExchangeResult<byte[]> start;

	private final MultiValueMap<String, String> authorize;

	private PendingLogin(WebTestClient client, EntityExchangeResult<byte[]> start) {
		this.client = client;
		this.start = start;
		this.authorize = UriComponentsBuilder.fromUri(start.getResponseHeaders().getLocation())
			.build()
			.getQueryParams();
	}

	public static PendingLogin start(WebTestClient client) {
		return new PendingLogin(client,
				client.get().uri("/bff/login?returnTo=/ok/path").exchange().expectBody().returnResult());
	}

	/** The nonce the IdP must put into the login's ID token. */
	public String nonce() {
		return this.authorize.getFirst("nonce");
	}

	/** The state the IdP sends back to the callback. */
	public String state() {
		return URLDecoder.decode(this.authorize.getFirst("state"), StandardCharsets.UTF_8);
	}

	/**
	 * The cookie the start of the login set whose name begins with {@code prefix} (the
	 * pending login's name goes on with its state), or {@code null} if it set none.
	 */
	public @Nullable ResponseCookie cookieStartingWith(String prefix) {
		return this.start.getResponseCookies()
			.values()
			.stream()
			.flatMap(List::stream)
			.filter((cookie) -> cookie.getName().startsWith(prefix))
			.findFirst()
			.orElse(null);
	}

	/** The callback with {@code code} and the login's state, by {@code method}. */
	public WebTestClient.RequestHeadersSpec<?> callback(HttpMethod method, String code) {
		return this.client.method(method)
			.uri("/login/oauth2/code/auth0?code={code}&state={state}", code, state())
			.cookies((jar) -> this.start.getResponseCookies()
				.forEach((name, cookies) -> jar.add(name, cookies.get(0).getValue())));
	}

}
