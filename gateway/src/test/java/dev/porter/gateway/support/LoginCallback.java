package dev.porter.gateway.support;

import java.net.URI;
import java.util.Map;
import java.util.function.Consumer;

import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.MultiValueMap;

/**
 * A login taken to its callback by hand from a fresh browser, for tests of how the
 * callback answers what the IdP sends: where the callback sent the browser, and the
 * cookies it set.
 */
public record LoginCallback(URI landing, Map<String, ResponseCookie> cookies) {

	/**
	 * Starts a login that returns to {@code /ok/path}, lets {@code idp} stub the IdP for
	 * the login's nonce, and comes back to the callback with {@code code}.
	 */
	public static LoginCallback run(WebTestClient client, String code, Consumer<String> idp) {
		return complete(PendingLogin.start(client), code, idp);
	}

	/**
	 * Lets {@code idp} stub the IdP for {@code login}'s nonce, and comes back to the
	 * callback with {@code code}: for a test that also looks at what starting the login
	 * set.
	 */
	public static LoginCallback complete(PendingLogin login, String code, Consumer<String> idp) {
		idp.accept(login.nonce());
		EntityExchangeResult<byte[]> callback = login.callback(HttpMethod.GET, code)
			.exchange()
			.expectStatus()
			.isFound()
			.expectBody()
			.returnResult();
		return new LoginCallback(callback.getResponseHeaders().getLocation(),
				callback.getResponseCookies().toSingleValueMap());
	}

	/** Puts the cookies it set into a request's cookie jar, as the browser would. */
	public void sendCookies(MultiValueMap<String, String> jar) {
		this.cookies.forEach((name, cookie) -> jar.add(name, cookie.getValue()));
	}

}
