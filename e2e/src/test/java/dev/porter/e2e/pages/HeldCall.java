package dev.porter.e2e.pages;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One call of the page's own scripts held in the middle, so that a test can change what
 * the browser holds (another window's sign-in) at an exact point of the page's work
 * instead of hoping to land there: the page's {@code window.fetch} is wrapped so that the
 * next call of one method and path waits, either before it is sent (its headers are taken
 * already) or after it was answered (the page does not have the answer yet), until
 * {@link #release()}. Every other call goes through untouched.
 */
public final class HeldCall {

	/** Where the held call waits. */
	public enum Point {

		/** The page called {@code fetch}; nothing is sent yet. */
		BEFORE_SENT,

		/** The gateway answered; the page is not given the answer yet. */
		BEFORE_ANSWERED

	}

	private static final String WRAP = """
			const [method, path, point] = arguments;
			window.porterRealFetch = window.porterRealFetch || window.fetch;
			const real = window.porterRealFetch;
			const held = { method, path, point, reached: false, taken: false, calls: 0 };
			const released = new Promise((resolve) => { held.release = resolve; });
			window.porterHeldCall = held;
			window.fetch = async (input, init = {}) => {
				const url = new URL(input, window.location.href);
				if ((init.method || 'GET') !== method || url.pathname + url.search !== path) {
					return real(input, init);
				}
				held.calls++;
				if (held.taken) {
					return real(input, init);
				}
				held.taken = true;
				if (point === 'BEFORE_SENT') {
					held.reached = true;
					await released;
					return real(input, init);
				}
				const response = await real(input, init);
				held.reached = true;
				await released;
				return response;
			};
			""";

	private final WebDriver driver;

	private final String window;

	private HeldCall(WebDriver driver) {
		this.driver = driver;
		this.window = driver.getWindowHandle();
	}

	/**
	 * Holds the next {@code method path} (path with its query) that the page in the
	 * current window sends, at {@code point}.
	 */
	static HeldCall next(WebDriver driver, String method, String path, Point point) {
		((JavascriptExecutor) driver).executeScript(WRAP, method, path, point.name());
		return new HeldCall(driver);
	}

	/**
	 * Waits until the page made the call and it is held; the current window must be the
	 * page's.
	 */
	public HeldCall awaitHeld() {
		new WebDriverWait(this.driver, SpaPage.WAIT).withMessage("the page never made the call held")
			.until((d) -> Boolean.TRUE.equals(script("return window.porterHeldCall.reached")));
		return this;
	}

	/**
	 * Lets the held call go on: sent, or answered to the page. Switches back to the
	 * page's window first.
	 */
	public void release() {
		this.driver.switchTo().window(this.window);
		script("window.porterHeldCall.release()");
	}

	/**
	 * How many times the page has called this method and path since it was held, the held
	 * call included; the current window must be the page's.
	 */
	public long calls() {
		return ((Number) script("return window.porterHeldCall.calls")).longValue();
	}

	private Object script(String script) {
		return ((JavascriptExecutor) this.driver).executeScript(script);
	}

}
