package dev.porter.e2e.pages;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo SPA the gateway serves at {@code /}, found through its {@code data-test}
 * attributes. Every action waits for the page to settle with explicit waits.
 */
public final class SpaPage {

	static final Duration WAIT = Duration.ofSeconds(20);

	private final WebDriver driver;

	private final URI base;

	private final WebDriverWait wait;

	public SpaPage(WebDriver driver, URI base) {
		this.driver = driver;
		this.base = base;
		this.wait = waitFor(driver);
	}

	/** Opens {@code /} and waits until the SPA decided which view to show. */
	public SpaPage open() {
		this.driver.get(this.base.resolve("/").toString());
		return awaitView();
	}

	public SpaPage reload() {
		this.driver.navigate().refresh();
		return awaitView();
	}

	/**
	 * Waits for a view, and for the profile when signed in; the "unavailable" view when
	 * the SPA could not tell whether anyone is signed in.
	 */
	public SpaPage awaitView() {
		this.wait.until((d) -> isSignedOut() || isUnavailable() || isProfileSettled());
		return this;
	}

	/** Reloads and waits only until the SPA left "Loading…", whichever view it chose. */
	public SpaPage reloadUntilViewChosen() {
		this.driver.navigate().refresh();
		this.wait.until((d) -> {
			String view = bodyData("view");
			return view != null && !"loading".equals(view);
		});
		return this;
	}

	/**
	 * Waits until the page shows its signed-out view (after something ended the session).
	 */
	public SpaPage awaitSignedOut() {
		this.wait.until((d) -> isSignedOut());
		return this;
	}

	/**
	 * Waits until the page no longer names {@code userName}: signed out, or someone else.
	 */
	public SpaPage awaitNotShowing(String userName) {
		this.wait.until((d) -> isSignedOut()
				|| isProfileSettled() && !userName.equals(d.findElement(test("user-name")).getText()));
		return this;
	}

	/** The view the SPA shows: loading, signed-out, signed-in or unavailable. */
	public String view() {
		return bodyData("view");
	}

	/**
	 * How the page's last {@code GET /me} ended: loading, loaded or failed (null before
	 * one).
	 */
	public String profileState() {
		return bodyData("profile");
	}

	public boolean isUnavailable() {
		return "unavailable".equals(bodyData("view"));
	}

	/** What the "unavailable" view says. */
	public String unavailableText() {
		return visibleText("unavailable-text");
	}

	/**
	 * Clicks "Try again" on the "unavailable" view and waits for the view chosen then.
	 */
	public SpaPage retryStart() {
		this.wait.until(ExpectedConditions.elementToBeClickable(test("unavailable-retry"))).click();
		return awaitView();
	}

	public boolean isShown(String test) {
		return this.driver.findElements(test(test)).stream().anyMatch(WebElement::isDisplayed);
	}

	public boolean isSignedOut() {
		return "signed-out".equals(bodyData("view"));
	}

	public boolean isSignedIn() {
		return "signed-in".equals(bodyData("view"));
	}

	private boolean isProfileSettled() {
		String profile = bodyData("profile");
		return isSignedIn() && profile != null && !"loading".equals(profile);
	}

	/** Clicks "Try again" on the unavailable banner and waits for the outcome. */
	public SpaPage retry() {
		this.wait.until(ExpectedConditions.elementToBeClickable(test("retry"))).click();
		return awaitView();
	}

	/** Scrolls the user_metadata editor into view (for phone-width screenshots). */
	public SpaPage scrollToMetadata() {
		((JavascriptExecutor) this.driver).executeScript("arguments[0].scrollIntoView({block: 'start'})",
				this.driver.findElement(test("metadata")).findElement(By.xpath("..")));
		return this;
	}

	/** Clicks "Sign in" and returns the IdP's login page. */
	public IdpLoginPage signIn() {
		this.wait.until(ExpectedConditions.elementToBeClickable(test("sign-in"))).click();
		return new IdpLoginPage(this.driver).awaitForm();
	}

	/**
	 * Clicks "Sign out"; the IdP's logout sends the browser back to the signed-out SPA.
	 */
	public SpaPage signOut() {
		clickSignOut();
		return awaitBackSignedOut();
	}

	/**
	 * Clicks "Sign out" and returns at once: the caller waits for what the page does
	 * then.
	 */
	public void clickSignOut() {
		this.wait.until(ExpectedConditions.elementToBeClickable(test("sign-out"))).click();
	}

	/** Waits until the IdP's logout sent the browser back to the signed-out SPA. */
	public SpaPage awaitBackSignedOut() {
		this.wait.until((d) -> d.getCurrentUrl().startsWith(this.base.toString()) && isSignedOut());
		return this;
	}

	/**
	 * Holds the page's next {@code method path} at {@code point} until the test releases
	 * it: see {@link HeldCall}.
	 */
	public HeldCall holdNext(String method, String path, HeldCall.Point point) {
		return HeldCall.next(this.driver, method, path, point);
	}

	public String userName() {
		return visibleText("user-name");
	}

	public String userEmail() {
		return visibleText("user-email");
	}

	public String field(String key) {
		return visibleText("field-" + key);
	}

	/** The user_metadata rows as shown: key to the value in its input. */
	public Map<String, String> metadata() {
		return this.driver.findElements(test("metadata-row"))
			.stream()
			.collect(Collectors.toMap((row) -> row.getDomAttribute("data-key"),
					(row) -> row.findElement(test("metadata-value")).getDomProperty("value")));
	}

	/** Adds (or replaces) a key with the add form and waits for the answer. */
	public SpaPage addMetadata(String key, String value) {
		WebElement keyInput = this.driver.findElement(test("metadata-add-key"));
		keyInput.clear();
		keyInput.sendKeys(key);
		WebElement valueInput = this.driver.findElement(test("metadata-add-value"));
		valueInput.clear();
		valueInput.sendKeys(value);
		return submitAndAwait(() -> this.driver.findElement(test("metadata-add-submit")).click());
	}

	/** Changes an existing key's value in its row and saves it. */
	public SpaPage changeMetadata(String key, String value) {
		WebElement row = row(key);
		WebElement input = row.findElement(test("metadata-value"));
		input.clear();
		input.sendKeys(value);
		return submitAndAwait(() -> row.findElement(test("metadata-save")).click());
	}

	/**
	 * Clicks "Remove" in a key's row and returns at once: the caller waits for what the
	 * page does then.
	 */
	public void clickRemove(String key) {
		row(key).findElement(test("metadata-remove")).click();
	}

	public SpaPage removeMetadata(String key) {
		WebElement row = row(key);
		submitAndAwait(() -> row.findElement(test("metadata-remove")).click());
		this.wait.until(ExpectedConditions.invisibilityOfElementLocated(rowLocator(key)));
		return this;
	}

	/** The inline validation messages, one per bad field as the problem named it. */
	public Map<String, String> metadataErrors() {
		return this.driver.findElements(test("metadata-error-field"))
			.stream()
			.collect(Collectors.toMap((line) -> line.getDomAttribute("data-field"), WebElement::getText));
	}

	/** The editor's inline error as shown (every line), or "" when none is shown. */
	public String metadataErrorText() {
		WebElement error = this.driver.findElement(test("metadata-error"));
		return error.isDisplayed() ? error.getText() : "";
	}

	/** Opens a gateway path directly, as a link or the IdP's redirect would. */
	public SpaPage openPath(String pathAndQuery) {
		this.driver.get(this.base.resolve(pathAndQuery).toString());
		return awaitView();
	}

	public String currentPathAndQuery() {
		URI current = URI.create(this.driver.getCurrentUrl());
		return current.getRawPath() + ((current.getRawQuery() != null) ? "?" + current.getRawQuery() : "");
	}

	public boolean isLoginFailedShown() {
		return this.driver.findElement(test("login-failed")).isDisplayed();
	}

	public boolean isStaleBannerShown() {
		return this.driver.findElement(test("banner-stale")).isDisplayed();
	}

	public boolean isProfileMissingShown() {
		return this.driver.findElement(test("profile-missing")).isDisplayed();
	}

	public boolean isUnavailableBannerShown() {
		return this.driver.findElement(test("banner-unavailable")).isDisplayed();
	}

	/** The banner saying the signed-in user changed in another tab or window. */
	public boolean isUserChangedBannerShown() {
		return isShown("banner-user-changed");
	}

	/** The banner's note that what the user just did was not sent. */
	public boolean isWithheldShown() {
		return isShown("banner-user-changed-withheld");
	}

	/** Waits until the page says that what the user just did was not sent. */
	public SpaPage awaitWithheldShown() {
		this.wait.until((d) -> isWithheldShown());
		return this;
	}

	/** Scrolls "Your sessions" into view (for screenshots). */
	public SpaPage scrollToSessions() {
		((JavascriptExecutor) this.driver).executeScript("arguments[0].scrollIntoView({block: 'start'})",
				this.driver.findElement(test("sessions")).findElement(By.xpath("..")));
		return this;
	}

	/** Waits until the "Your sessions" list has loaded (or failed to). */
	public SpaPage awaitSessions() {
		this.wait.until((d) -> {
			String sessions = bodyData("sessions");
			return sessions != null && !"loading".equals(sessions);
		});
		return this;
	}

	/** The "Your sessions" rows as shown, the current one first. */
	public List<SessionRow> sessions() {
		awaitSessions();
		return this.driver.findElements(test("session-row"))
			.stream()
			.map((row) -> new SessionRow(row.findElement(By.className("device")).getText(),
					"true".equals(row.getDomAttribute("data-current"))))
			.toList();
	}

	/**
	 * Clicks "Sign out" on the first session that is not this device's and waits until
	 * the list no longer shows it.
	 */
	public SpaPage signOutOtherSession() {
		int before = sessions().size();
		this.driver
			.findElement(
					By.cssSelector("[data-test='session-row'][data-current='false'] [data-test='session-sign-out']"))
			.click();
		this.wait.until((d) -> "loaded".equals(bodyData("sessions"))
				&& d.findElements(test("session-row")).size() == before - 1);
		return this;
	}

	/** Clicks "Sign out all other devices" and waits until only this device is listed. */
	public SpaPage signOutAllOtherDevices() {
		this.wait.until(ExpectedConditions.elementToBeClickable(test("sign-out-others"))).click();
		this.wait
			.until((d) -> "loaded".equals(bodyData("sessions")) && d.findElements(test("session-row")).size() == 1);
		return this;
	}

	public boolean isSignOutAllOtherDevicesShown() {
		return this.driver.findElement(test("sign-out-others")).isDisplayed();
	}

	/** One row of "Your sessions". */
	public record SessionRow(String device, boolean current) {
	}

	/**
	 * The status of {@code GET path} sent by the page itself, with its cookies, as JSON.
	 */
	public long fetchStatus(String path) {
		Object status = ((JavascriptExecutor) this.driver)
			.executeAsyncScript("const done = arguments[arguments.length - 1];"
					+ "fetch(arguments[0], {headers: {Accept: 'application/json'}, credentials: 'same-origin'})"
					+ ".then((r) => done(r.status), () => done(-1));", path);
		return ((Number) status).longValue();
	}

	/**
	 * The status of {@code PATCH /me/metadata} with {@code json}, sent by the page itself
	 * with its cookies and CSRF token, as a script of the SPA's would: for values the
	 * page's own form cannot enter (numbers, objects).
	 */
	public long patchMetadataAsScript(String json) {
		Object status = ((JavascriptExecutor) this.driver)
			.executeAsyncScript("const done = arguments[arguments.length - 1];"
					+ "const xsrf = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));"
					+ "fetch('/me/metadata', {method: 'PATCH', credentials: 'same-origin', headers: {"
					+ "'Content-Type': 'application/json', Accept: 'application/json',"
					+ "'X-XSRF-TOKEN': xsrf ? decodeURIComponent(xsrf.split('=')[1]) : ''}, body: arguments[0]})"
					+ ".then((r) => done(r.status), () => done(-1));", json);
		return ((Number) status).longValue();
	}

	public String pageSource() {
		return this.driver.getPageSource();
	}

	public String visibleText() {
		return this.driver.findElement(By.tagName("body")).getText();
	}

	private SpaPage submitAndAwait(Runnable submit) {
		// The status line is emptied on submit and filled once the answer was handled.
		submit.run();
		this.wait.until((d) -> !statusText().equals("Saving…")
				&& (!statusText().isEmpty() || d.findElement(test("metadata-error")).isDisplayed()
						|| d.findElement(test("banner-unavailable")).isDisplayed()));
		return this;
	}

	/** Waits until the editor's status line says {@code text}. */
	public SpaPage awaitMetadataStatus(String text) {
		this.wait.until((d) -> text.equals(statusText()));
		return this;
	}

	public String statusText() {
		return this.driver.findElement(test("metadata-status")).getText();
	}

	private WebElement row(String key) {
		return this.wait.until(ExpectedConditions.visibilityOfElementLocated(rowLocator(key)));
	}

	private static By rowLocator(String key) {
		return By.cssSelector("[data-test='metadata-row'][data-key='" + key + "']");
	}

	private String visibleText(String test) {
		return this.wait.until(ExpectedConditions.visibilityOfElementLocated(test(test))).getText();
	}

	private String bodyData(String name) {
		List<WebElement> bodies = this.driver.findElements(By.tagName("body"));
		return bodies.isEmpty() ? null : bodies.get(0).getDomAttribute("data-" + name);
	}

	/** Waits that survive the page being replaced under them by a navigation. */
	static WebDriverWait waitFor(WebDriver driver) {
		WebDriverWait wait = new WebDriverWait(driver, WAIT);
		wait.ignoring(StaleElementReferenceException.class);
		wait.withMessage(() -> whereTheBrowserIs(driver));
		return wait;
	}

	/**
	 * What a timed-out wait reports: the page's address and the state the SPA wrote on
	 * its body, so that a failure says which step never finished.
	 */
	private static String whereTheBrowserIs(WebDriver driver) {
		try {
			Object state = ((JavascriptExecutor) driver)
				.executeScript("return document.body ? JSON.stringify(document.body.dataset) : 'no body'");
			return "browser at " + driver.getCurrentUrl() + ", page state " + state;
		}
		catch (RuntimeException ex) {
			return "browser state unknown: " + ex.getMessage();
		}
	}

	static By test(String name) {
		return By.cssSelector("[data-test='" + name + "']");
	}

}
