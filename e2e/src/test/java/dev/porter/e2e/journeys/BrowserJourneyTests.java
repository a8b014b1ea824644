package dev.porter.e2e.journeys;

import dev.porter.e2e.agents.Browser;
import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.pages.IdpLoginPage;
import dev.porter.e2e.pages.SpaPage;
import dev.porter.e2e.processes.SharedStack;
import dev.porter.e2e.processes.Stack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo SPA in headless Chromium against the real gateway, profile-service and
 * dev-idp: what a user clicks, and what the page shows after each step (screenshots in
 * {@code e2e/target/screenshots/}). The run's shared stack serves every test; each test
 * has its own browser, so no cookie crosses from one to another.
 */
@ExtendWith(SharedStack.class)
@ResourceLock(SharedStack.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserJourneyTests {

	private Stack stack;

	@BeforeAll
	void useSharedStack(Stack stack) {
		Browser.assumeInstalled();
		this.stack = stack;
	}

	@Test
	void journeyWhenAliceSignsInEditsMetadataAndSignsOutThenEachStepShowsAndSessionEnds() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());

			spa.open();
			assertThat(spa.isSignedOut()).isTrue();
			browser.screenshot("journey-01-signed-out");

			IdpLoginPage login = spa.signIn();
			browser.screenshot("journey-02-idp-login");
			login.signInAs("alice", "alice", spa);
			assertThat(spa.userName()).isEqualTo("Alice Example");
			assertThat(spa.userEmail()).isEqualTo("alice@example.com");
			assertThat(spa.field("nickname")).isEqualTo("alice");
			assertThat(spa.metadata()).containsEntry("country", "NZ");
			browser.screenshot("journey-03-signed-in");

			spa.addMetadata("theme", "dark");
			assertThat(spa.metadata()).containsEntry("theme", "dark");
			browser.screenshot("journey-04-theme-dark");

			spa.reload();
			assertThat(spa.metadata()).containsEntry("theme", "dark").containsEntry("country", "NZ");

			spa.addMetadata("bad.key", "x");
			assertThat(spa.metadataErrors()).containsOnlyKeys("bad.key");
			assertThat(spa.metadataErrors().get("bad.key")).startsWith("bad.key: ");
			browser.screenshot("journey-05-validation-error");

			spa.removeMetadata("theme");
			assertThat(spa.metadata()).doesNotContainKey("theme").containsEntry("country", "NZ");
			spa.reload();
			assertThat(spa.metadata()).doesNotContainKey("theme");
			browser.screenshot("journey-06-theme-removed");

			spa.signOut();
			assertThat(spa.isSignedOut()).isTrue();
			browser.screenshot("journey-07-signed-out-again");
			assertThat(spa.fetchStatus("/me")).isEqualTo(401);
		}
	}

	// JSON.parse reads 1e999 as Infinity, which JSON.stringify sends as null: Auth0's
	// "delete this key". The page said "Saved" while the value was gone.
	@Test
	void changeMetadataWhenANumberIsTooLargeForJsonThenRefusedInlineAndTheValueKept() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());
			spa.open().signIn().signInAs("alice", "alice", spa);
			assertThat(spa.patchMetadataAsScript("{\"score\":42}")).isEqualTo(200);
			spa.reload();
			assertThat(spa.metadata()).containsEntry("score", "42");

			spa.changeMetadata("score", "1e999");

			assertThat(spa.metadataErrors()).containsOnlyKeys("score");
			assertThat(spa.metadataErrors().get("score")).startsWith("score: ");
			spa.reload();
			assertThat(spa.metadata()).containsEntry("score", "42");
			spa.removeMetadata("score");
		}
	}

	// A typo in an object's JSON was saved as the text typed: the object was gone.
	@Test
	void changeMetadataWhenAnObjectIsEditedIntoInvalidJsonThenRefusedInlineAndTheObjectKept() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());
			spa.open().signIn().signInAs("alice", "alice", spa);
			assertThat(spa.patchMetadataAsScript("{\"address\":{\"city\":\"Oslo\"},\"motto\":\"{not json\"}"))
				.isEqualTo(200);
			spa.reload();
			assertThat(spa.metadata()).containsEntry("address", "{\"city\":\"Oslo\"}");

			spa.changeMetadata("address", "{\"city\":\"Bergen\"");

			assertThat(spa.metadataErrors()).containsOnlyKeys("address");
			assertThat(spa.metadataErrors().get("address")).isEqualTo("address: not valid JSON; nothing was saved");
			browser.screenshot("journey-08-invalid-json");
			spa.reload();
			assertThat(spa.metadata()).containsEntry("address", "{\"city\":\"Oslo\"}");

			// a string stays a string, whatever it looks like
			spa.changeMetadata("motto", "{still not json");
			assertThat(spa.statusText()).isEqualTo("Saved “motto”.");
			spa.reload();
			assertThat(spa.metadata()).containsEntry("motto", "{still not json");
			spa.removeMetadata("address").removeMetadata("motto");
		}
	}

	// A second login that failed while the first session still held: "Signing in did not
	// complete" stayed in the page, hidden, and showed at that session's end much later.
	@Test
	void loginFailedWhenSignedInAnywayThenNotShownWhenTheSessionEndsLater() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());
			spa.open().signIn().signInAs("alice", "alice", spa);
			spa.openPath("/?login=failed");
			assertThat(spa.isSignedIn()).isTrue();

			SpaClient phone = SpaClient.signIn(this.stack.gateway(), "alice", "alice");
			assertThat(phone.delete("/bff/sessions?others=true").status()).isEqualTo(200);
			spa.clickRemove("country");
			spa.awaitSignedOut();

			assertThat(spa.isLoginFailedShown()).isFalse();
			phone.logout();
		}
	}

	@Test
	void signInWhenPasswordWrongThenIdpShowsItsErrorAndSpaStaysSignedOut() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());

			String error = spa.open().signIn().failSignIn("alice", "not-alices-password");
			browser.screenshot("wrong-password");

			assertThat(error).isEqualTo("Wrong username or password.");
			assertThat(spa.open().isSignedOut()).isTrue();
		}
	}

	@Test
	void callbackWhenGatewayNeverStartedThatLoginThenSpaSaysSignInFailedAndStaysSignedOut() {
		try (Browser browser = Browser.start(1280, 800)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());

			// A replayed or forged IdP redirect: no authorization request of this browser
			// matches its state.
			spa.openPath("/login/oauth2/code/auth0?code=forged&state=forged");
			browser.screenshot("login-failed");

			assertThat(spa.isSignedOut()).isTrue();
			assertThat(spa.isLoginFailedShown()).isTrue();
			assertThat(spa.currentPathAndQuery()).isEqualTo("/");
			assertThat(spa.open().isLoginFailedShown()).isFalse();
		}
	}

	@Test
	void profileWhenSocialUserOnPhoneThenNoIdentityProviderTokenInPage() {
		try (Browser browser = Browser.start(390, 844)) {
			SpaPage spa = new SpaPage(browser.driver(), this.stack.gateway().uri());

			spa.open().signIn().signInAs("bob", "bob", spa);
			browser.screenshot("phone-bob-signed-in");

			assertThat(spa.field("identity")).contains("google-oauth2");
			assertThat(spa.pageSource()).doesNotContain("ya29.", "1//dev-idp", "access_token", "refresh_token");
			assertThat(spa.visibleText()).doesNotContain("ya29.", "1//dev-idp", "access_token", "refresh_token");

			spa.addMetadata("theme", "dark");
			assertThat(spa.metadata()).containsEntry("theme", "dark");
			spa.scrollToMetadata();
			browser.screenshot("phone-bob-metadata");
		}
	}

}
