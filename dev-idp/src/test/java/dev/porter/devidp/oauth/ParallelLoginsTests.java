package dev.porter.devidp.oauth;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import dev.porter.devidp.TestLogins.Authorize;
import dev.porter.devidp.TestLogins.Login;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many browsers signing in at once, each through the whole flow over HTTP (authorize,
 * login form, code exchange): every one of them must get its tokens, and its own IdP
 * session's {@code sid} although they all sign in as the same user.
 */
class ParallelLoginsTests extends DevIdpServerTestSupport {

	private static final int LOGINS = 200;

	private static final int BROWSERS_AT_ONCE = 32;

	private final Set<String> sids = ConcurrentHashMap.newKeySet();

	@Test
	void loginWhenManyBrowsersSignInAtOnceThenEveryOneGetsTokensWithItsOwnSid() throws Exception {
		ExecutorService browsers = Executors.newFixedThreadPool(BROWSERS_AT_ONCE);
		try {
			List<Future<String>> outcomes = new ArrayList<>();
			for (int i = 0; i < LOGINS; i++) {
				outcomes.add(browsers.submit(this::signIn));
			}
			List<String> failures = new ArrayList<>();
			for (Future<String> outcome : outcomes) {
				String failure = outcome.get();
				if (!failure.isEmpty()) {
					failures.add(failure);
				}
			}
			assertThat(failures).isEmpty();
			assertThat(this.sids).as("distinct sids of %d browsers", LOGINS).hasSize(LOGINS);
		}
		finally {
			browsers.shutdownNow();
		}
	}

	/** One browser's login; empty when it got its tokens, else what went wrong. */
	private String signIn() {
		try {
			TestLogins browser = new TestLogins(ISSUER);
			Login login = browser.login(Authorize.gateway("openid profile email offline_access", null), "alice",
					"alice");
			HttpResponse<String> tokens = browser.exchange(login, TestLogins.GATEWAY_SECRET);
			if (tokens.statusCode() != 200 || !browser.json(tokens).has("id_token")) {
				return tokens.statusCode() + " " + tokens.body();
			}
			this.sids.add(browser.payload(browser.json(tokens).get("id_token").asString()).get("sid").asString());
			return "";
		}
		catch (RuntimeException ex) {
			return ex.toString();
		}
	}

}
