package dev.porter.gateway.session;

import java.net.URI;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.LoginCallback;
import dev.porter.gateway.support.PendingLogin;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;

import org.springframework.http.ResponseCookie;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway as {@code ./run.sh} and docker compose serve it, on
 * {@code http://localhost:8080} without {@code SESSION_COOKIE_*}: none of its cookies is
 * {@code Secure}, so Safari, which keeps no {@code Secure} cookie from a plain-http
 * origin, loopback included (WebKit bug 281149), signs in like any other browser. With
 * {@code __Host-porter-session; Secure} there, Safari dropped the pending-login cookie
 * and every login ended at {@code /?login=failed}
 * ({@code authorization_request_not_found}). Over plain http {@code Secure} protects
 * nothing.
 */
class SessionCookieOverPlainHttpTests extends GatewayTestSupport {

	@Test
	void loginWhenBrowserKeepsNoSecureCookieOverPlainHttpThenSignedInAndCanChangeData() {
		PROFILE.stubFor(patch(urlPathEqualTo("/me/metadata")).willReturn(okJson("{\"user_metadata\":{}}")));
		Browser safari = Browser.safari(this.client);

		URI landing = safari.attemptLogin("auth0|alice", "sid-safari", 3600);

		assertThat(landing).isEqualTo(URI.create("/ok/path"));
		safari.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		safari.patchMetadata(safari.xsrf(), "{\"theme\":\"dark\"}").expectStatus().isOk();
	}

	@Test
	void loginWhenPublicBaseUrlPlainHttpAndNoCookieSettingsThenPlainNamesWithoutSecure() {
		PendingLogin pending = PendingLogin.start(this.client);
		ResponseCookie login = pending.cookieStartingWith("porter-session-login-");
		LoginCallback callback = LoginCallback.complete(pending, "test-code",
				(nonce) -> TestIdp.instance().stubCodeExchange(nonce, "auth0|alice", "sid-plain", 3600));

		assertThat(login).isNotNull().extracting(ResponseCookie::isSecure).isEqualTo(false);
		assertThat(callback.cookies()).containsKeys("porter-session", "XSRF-TOKEN")
			.allSatisfy((name, cookie) -> assertThat(cookie.isSecure()).as(name).isFalse());
		ResponseCookie session = callback.cookies().get("porter-session");
		assertThat(session.isHttpOnly()).isTrue();
		assertThat(session.getSameSite()).isEqualTo("Lax");
		assertThat(session.getPath()).isEqualTo("/");
	}

}
