package dev.porter.e2e.journeys;

import dev.porter.e2e.agents.Browser;
import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.pages.HeldCall;
import dev.porter.e2e.pages.HeldCall.Point;
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
			SpaPage spa = aliceWithFavourite(browser);
			SpaClient bob = bobWithFavourite();

			// Bob's sign-in in this browser that no page of the SPA announced (another
			// app on this origin, a browser without BroadcastChannel, a frozen tab).
			signInElsewhereInThisBrowser(browser, bob);
			spa.clickRemove("favourite");
			spa.awaitNotShowing("Alice Example");
			browser.screenshot("session-change-02-user-changed");

			assertThat(favourite(bob)).as("Bob's metadata").isEqualTo("bob's");
			assertThat(spa.userName()).isEqualTo("Bob Builder");
			assertThat(spa.isUserChangedBannerShown()).isTrue();
			assertThat(spa.metadata()).containsEntry("favourite", "bob's");
			assertThat(spa.pageSource()).doesNotContain("alice@example.com", "alice's");
			removeFavourites(bob);
		}
	}

	// The page's look at /bff/session before the change was answered "Alice"; Bob's
	// sign-in in another window of this browser replaced the cookies while that answer
	// was on its way back, and the change went with Bob's session and Bob's XSRF token,
	// read from the cookie when it was sent: Bob's key was deleted.
	@Test
	void removeWhenBobSignsInWhileThePagesCheckIsAnsweredThenBobsMetadataIsKeptAndThePageShowsBob() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = aliceWithFavourite(browser);
			SpaClient bob = bobWithFavourite();

			HeldCall check = spa.holdNext("GET", "/bff/session", Point.BEFORE_ANSWERED);
			spa.clickRemove("favourite");
			check.awaitHeld();
			// His sign-in's word (the other window's BroadcastChannel message) comes only
			// once that window's page has loaded: the cookies change first.
			signInElsewhereInThisBrowser(browser, bob);
			check.release();
			spa.awaitNotShowing("Alice Example");

			assertThat(favourite(bob)).as("Bob's metadata").isEqualTo("bob's");
			assertThat(spa.userName()).isEqualTo("Bob Builder");
			assertThat(spa.isUserChangedBannerShown()).isTrue();
			assertThat(spa.isWithheldShown()).isTrue();
			assertThat(spa.pageSource()).doesNotContain("alice@example.com", "alice's");
			removeFavourites(bob);
		}
	}

	// The change had left with Alice's XSRF token when Bob signed in in another window,
	// whose page told this one, which showed Bob: the gateway refused it, as Bob's
	// session has another token. Sending it again because the session's user is the one
	// the page shows now would make Alice's change to Bob.
	@Test
	void removeWhenBobSignsInAndIsShownWhileTheChangeIsOnItsWayThenItIsNotSentAgainForBob() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = aliceWithFavourite(browser);
			SpaClient bob = bobWithFavourite();

			HeldCall change = spa.holdNext("PATCH", "/me/metadata", Point.BEFORE_SENT);
			spa.clickRemove("favourite");
			change.awaitHeld();
			signInElsewhereInThisBrowser(browser, bob);
			String aliceWindow = browser.openWindow();
			assertThat(new SpaPage(browser.driver(), this.stack.gateway().uri()).open().userName())
				.isEqualTo("Bob Builder");
			browser.switchTo(aliceWindow);
			spa.awaitNotShowing("Alice Example");
			change.release();
			spa.awaitWithheldShown();

			assertThat(change.calls()).as("PATCHes sent").isEqualTo(1);
			assertThat(favourite(bob)).as("Bob's metadata").isEqualTo("bob's");
			assertThat(spa.userName()).isEqualTo("Bob Builder");
			assertThat(spa.isUserChangedBannerShown()).isTrue();
			removeFavourites(bob);
		}
	}

	// Alice signed in again in another window while her change was on its way: the login
	// gave her session a new XSRF token, and the gateway refused the change carrying the
	// old one. It is still hers to make: the page sends it once more with the new token.
	@Test
	void removeWhenAliceSignsInAgainWhileTheChangeIsOnItsWayThenSentOnceMoreAndApplied() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = aliceWithFavourite(browser);

			HeldCall change = spa.holdNext("PATCH", "/me/metadata", Point.BEFORE_SENT);
			spa.clickRemove("favourite");
			change.awaitHeld();
			signInAgainInAnotherWindow(browser);
			change.release();
			spa.awaitMetadataStatus("Removed “favourite”.");

			assertThat(change.calls()).as("PATCHes sent").isEqualTo(2);
			assertThat(spa.metadata()).doesNotContainKey("favourite");
			assertThat(spa.userName()).isEqualTo("Alice Example");
			assertThat(spa.isUserChangedBannerShown()).isFalse();
			SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
			assertThat(favourite(alice)).as("Alice's metadata").isNull();
		}
	}

	// The same for "Sign out": refused as forged, it showed "CSRF check failed" and
	// stayed.
	@Test
	void signOutWhenAliceSignsInAgainWhileItIsOnItsWayThenSignedOut() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());
			spa.open().signIn().signInAs("alice", "alice", spa);

			HeldCall signOut = spa.holdNext("POST", "/bff/logout", Point.BEFORE_SENT);
			spa.clickSignOut();
			signOut.awaitHeld();
			signInAgainInAnotherWindow(browser);
			signOut.release();

			spa.awaitBackSignedOut();
			assertThat(spa.fetchStatus("/me")).as("GET /me after signing out").isEqualTo(401);
		}
	}

	private SpaPage aliceWithFavourite(Browser browser) {
		SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());
		spa.open().signIn().signInAs("alice", "alice", spa);
		assertThat(spa.patchMetadataAsScript("{\"favourite\":\"alice's\"}")).isEqualTo(200);
		spa.reload();
		assertThat(spa.metadata()).containsEntry("favourite", "alice's");
		return spa;
	}

	private SpaClient bobWithFavourite() {
		SpaClient bob = SpaClient.signIn(this.stack.gateway(), "bob", "bob");
		Exchange bobs = bob.patchMetadata("{\"favourite\":\"bob's\"}");
		assertThat(bobs.status()).as(bobs.body()).isEqualTo(200);
		return bob;
	}

	/**
	 * Bob's sign-in in another window of this browser, as its cookie jar sees it: his
	 * session cookie and his XSRF token replace Alice's.
	 */
	private void signInElsewhereInThisBrowser(Browser browser, SpaClient bob) {
		browser.setCookie(this.stack.gateway().uri(), SpaClient.SESSION_COOKIE, bob.sessionCookie(), true);
		browser.setCookie(this.stack.gateway().uri(), "XSRF-TOKEN", bob.xsrfToken(), false);
	}

	/**
	 * Alice signs in again in a new window of this browser (the IdP's single sign-on
	 * answers without asking), then the test comes back to the window it left.
	 */
	private void signInAgainInAnotherWindow(Browser browser) {
		String left = browser.openWindow();
		SpaPage other = new SpaPage(browser.driver(), this.stack.gateway().uri()).openPath("/bff/login?returnTo=/");
		assertThat(other.userName()).isEqualTo("Alice Example");
		browser.switchTo(left);
	}

	private void removeFavourites(SpaClient bob) {
		assertThat(bob.patchMetadata("{\"favourite\":null}").status()).isEqualTo(200);
		SpaClient alice = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
		assertThat(alice.patchMetadata("{\"favourite\":null}").status()).isEqualTo(200);
	}

	private static String favourite(SpaClient client) {
		Exchange me = client.getMe();
		assertThat(me.status()).as(me.body()).isEqualTo(200);
		return mapper.readTree(me.body()).path("user_metadata").path("favourite").asString(null);
	}

}
