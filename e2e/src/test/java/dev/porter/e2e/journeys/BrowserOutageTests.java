package dev.porter.e2e.journeys;

import dev.porter.e2e.agents.Browser;
import dev.porter.e2e.agents.DevIdpFaults;
import dev.porter.e2e.pages.SpaPage;
import dev.porter.e2e.processes.Stack;
import dev.porter.e2e.processes.StackOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SPA while the directory (Auth0's Management API, here dev-idp's) is down and
 * nothing is cached yet: a fresh stack, so that profile-service has no copy to serve.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserOutageTests {

	private Stack stack;

	private DevIdpFaults faults;

	@BeforeAll
	void startStack() {
		Browser.assumeInstalled();
		this.stack = Stack.start(StackOptions.standard());
		this.faults = new DevIdpFaults(this.stack.devIdp().uri());
	}

	@AfterAll
	void stopStack() {
		if (this.stack != null) {
			this.stack.close();
		}
	}

	@Test
	void profileWhenDirectoryDownAndNothingCachedThenUnavailableBannerUntilRetrySucceeds() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());
			this.faults.failAll("management");
			try {
				spa.open().signIn().signInAs("alice", "alice", spa);

				assertThat(spa.isUnavailableBannerShown()).isTrue();
				assertThat(spa.isProfileMissingShown()).isTrue();
				assertThat(spa.userName()).as("the session still names the user").isEqualTo("Alice Example");
				browser.screenshot("outage-01-unavailable");
			}
			finally {
				this.faults.clear();
			}

			spa.retry();

			assertThat(spa.isUnavailableBannerShown()).isFalse();
			assertThat(spa.isStaleBannerShown()).isFalse();
			assertThat(spa.isProfileMissingShown()).isFalse();
			assertThat(spa.metadata()).containsEntry("country", "NZ");
			browser.screenshot("outage-02-recovered");
		}
	}

}
