package dev.porter.gateway.session;

import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.LoginCallback;
import dev.porter.gateway.support.PendingLogin;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;

import org.springframework.http.ResponseCookie;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway on an https {@code PUBLIC_BASE_URL} without {@code SESSION_COOKIE_*}, as in
 * production: every cookie it sets is {@code Secure}, and the session's and the login's
 * are {@code __Host-} cookies, bound to this host.
 */
@TestPropertySource(properties = "porter.bff.public-base-url=https://porter.example.com")
class SessionCookieOverHttpsTests extends GatewayTestSupport {

	@Test
	void loginWhenPublicBaseUrlHttpsAndNoCookieSettingsThenHostPrefixedAndSecure() {
		PendingLogin pending = PendingLogin.start(this.client);
		ResponseCookie login = pending.cookieStartingWith("__Host-porter-session-login-");
		LoginCallback callback = LoginCallback.complete(pending, "test-code",
				(nonce) -> TestIdp.instance().stubCodeExchange(nonce, "auth0|alice", "sid-https", 3600));

		assertThat(login).isNotNull().extracting(ResponseCookie::isSecure).isEqualTo(true);
		assertThat(callback.landing()).hasToString("/ok/path");
		assertThat(callback.cookies()).containsKeys("__Host-porter-session", "XSRF-TOKEN")
			.allSatisfy((name, cookie) -> assertThat(cookie.isSecure()).as(name).isTrue());
		ResponseCookie session = callback.cookies().get("__Host-porter-session");
		assertThat(session.isHttpOnly()).isTrue();
		assertThat(session.getSameSite()).isEqualTo("Lax");
		assertThat(session.getPath()).isEqualTo("/");
	}

}
