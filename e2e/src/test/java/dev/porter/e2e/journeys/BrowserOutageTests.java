package dev.porter.e2e.journeys;

import dev.porter.e2e.agents.Browser;
import dev.porter.e2e.agents.DevIdpFaults;
import dev.porter.e2e.pages.SpaPage;
import dev.porter.e2e.pages.SpaPage.SessionRow;
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
		// The circuit breaker would open after a few of these tests' failures and refuse
		// the calls that follow a fault's end: that is its own tests' subject, not the
		// SPA's.
		this.stack = Stack
			.start(StackOptions.standard().withProfileEnv("PORTER_RESILIENCE_MANAGEMENT_FAILURERATETHRESHOLD", "100"));
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

	// The page showed the signed-in view with no name, a "Sign out" and no "Sign in",
	// blamed the profile service, and its "Try again" only fetched the profile.
	@Test
	void startWhenTheSessionCannotBeCheckedThenUnavailableViewUntilTryAgainShowsTheWholePage() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());
			spa.open().signIn().signInAs("alice", "alice", spa);

			browser.blockRequests("*/bff/session");
			try {
				spa.reloadUntilViewChosen();

				assertThat(spa.view()).isEqualTo("unavailable");
				assertThat(spa.unavailableText()).doesNotContain("profile");
				assertThat(spa.isShown("sign-out")).isFalse();
				assertThat(spa.isShown("sign-in")).isFalse();
				assertThat(spa.isShown("user-name")).isFalse();
				browser.screenshot("outage-03-session-unknown");
			}
			finally {
				browser.unblockRequests();
			}

			spa.retryStart();

			assertThat(spa.userName()).isEqualTo("Alice Example");
			assertThat(spa.profileState()).isEqualTo("loaded");
			assertThat(spa.sessions()).extracting(SessionRow::current).contains(true);
			assertThat(spa.isUnavailableBannerShown()).isFalse();
		}
	}

	// After a save answered 503 the banner stayed up through every later "Saved", and the
	// page never looked at what the directory held before calling the change failed.
	@Test
	void saveWhenDirectoryFailsThenProfileReloadedAndDetailShownAndTheBannerGoesAtTheNextSave() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());
			spa.open().signIn().signInAs("alice", "alice", spa);
			this.faults.failAll("management");
			try {
				spa.changeMetadata("country", "NO");

				// profile-service dropped its copy of a profile that may have changed,
				// and
				// cannot load it again while the directory is down
				assertThat(spa.profileState()).as("GET /me after the failed save").isEqualTo("failed");
				assertThat(spa.metadataErrorText()).contains("may have been applied");
				assertThat(spa.isUnavailableBannerShown()).isTrue();
				browser.screenshot("outage-04-save-failed");
			}
			finally {
				this.faults.clear();
			}

			spa.changeMetadata("country", "NO");

			assertThat(spa.statusText()).isEqualTo("Saved “country”.");
			assertThat(spa.isUnavailableBannerShown()).isFalse();
			assertThat(spa.isProfileMissingShown()).isFalse();
			assertThat(spa.metadataErrorText()).isEmpty();
			assertThat(spa.metadata()).containsEntry("country", "NO");
			spa.changeMetadata("country", "NZ");
		}
	}

}
