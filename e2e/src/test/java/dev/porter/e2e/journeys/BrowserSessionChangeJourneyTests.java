package dev.porter.e2e.journeys;

import dev.porter.e2e.agents.Browser;
import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.pages.SpaPage;
import dev.porter.e2e.processes.SharedStack;
import dev.porter.e2e.processes.Stack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo SPA when its session ends or changes user while a page of it stays open: in
 * another tab or window of the same browser (one cookie jar), on another device, or where
 * no page of it hears of it. A page never goes on showing a user who is no longer signed
 * in, and never sends a change meant for one user with another's session.
 */
@ExtendWith(SharedStack.class)
@ResourceLock(SharedStack.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserSessionChangeJourneyTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Stack stack;

	@BeforeAll
	void useSharedStack(Stack stack) {
		Browser.assumeInstalled();
		this.stack = stack;
	}

	// The tab came back with Alice's name, e-mail, metadata and devices until a click.
	@Test
	void tabWhenAlicesSessionIsEndedFromAnotherDeviceWhileHiddenThenShownAgainItShowsSignedOut() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());
			spa.open().signIn().signInAs("alice", "alice", spa);
			String spaTab = browser.openTab();

			SpaClient phone = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
			Exchange ended = phone.delete("/bff/sessions?others=true");
			assertThat(ended.status()).as(ended.body()).isEqualTo(200);
			browser.switchTo(spaTab);

			spa.awaitSignedOut();
			browser.screenshot("session-change-01-ended-elsewhere");
			assertThat(spa.pageSource()).doesNotContain("Alice Example", "alice@example.com");
			phone.logout();
		}
	}

	// Two windows side by side: neither is ever hidden, so only the other window's word
	// can tell this one.
	@Test
	void windowWhenAliceSignsOutInAnotherWindowThenThisOneShowsSignedOut() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());
			spa.open().signIn().signInAs("alice", "alice", spa);
			String firstWindow = browser.openWindow();
			SpaPage second = new SpaPage(browser.driver(), this.stack.gateway().uri()).open();
			assertThat(second.userName()).isEqualTo("Alice Example");

			second.signOut();
			browser.switchTo(firstWindow);

			spa.awaitSignedOut();
			assertThat(spa.pageSource()).doesNotContain("Alice Example", "alice@example.com");
		}
	}

	// The page still showed Alice; "Remove" sent {"favourite":null} with the session and
	// XSRF token the browser held, Bob's, and deleted Bob's key.
	@Test
	void removeWhenBobSignedInElsewhereInThisBrowserThenBobsMetadataIsKeptAndThePageShowsBob() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());
			spa.open().signIn().signInAs("alice", "alice", spa);
			assertThat(spa.patchMetadataAsScript("{\"favourite\":\"alice's\"}")).isEqualTo(200);
			spa.reload();
			assertThat(spa.metadata()).containsEntry("favourite", "alice's");
			SpaClient bob = SpaClient.signIn(this.stack.gateway(), "bob", "bob");
			Exchange bobs = bob.patchMetadata("{\"favourite\":\"bob's\"}");
			assertThat(bobs.status()).as(bobs.body()).isEqualTo(200);

			// Bob's sign-in in this browser that no page of the SPA announced (another
			// app on this origin, a browser without BroadcastChannel, a frozen tab).
			browser.setCookie(this.stack.gateway().uri(), SpaClient.SESSION_COOKIE, bob.sessionCookie(), true);
			browser.setCookie(this.stack.gateway().uri(), "XSRF-TOKEN", bob.xsrfToken(), false);
			spa.clickRemove("favourite");
			spa.awaitNotShowing("Alice Example");
			browser.screenshot("session-change-02-user-changed");

			assertThat(favourite(bob)).as("Bob's metadata").isEqualTo("bob's");
			assertThat(spa.userName()).isEqualTo("Bob Builder");
			assertThat(spa.isUserChangedBannerShown()).isTrue();
			assertThat(spa.metadata()).containsEntry("favourite", "bob's");
			assertThat(spa.pageSource()).doesNotContain("alice@example.com", "alice's");
			assertThat(bob.patchMetadata("{\"favourite\":null}").status()).isEqualTo(200);
			SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
			assertThat(alice.patchMetadata("{\"favourite\":null}").status()).isEqualTo(200);
		}
	}

	private static String favourite(SpaClient client) {
		Exchange me = client.getMe();
		assertThat(me.status()).as(me.body()).isEqualTo(200);
		return mapper.readTree(me.body()).path("user_metadata").path("favourite").asString(null);
	}

}
