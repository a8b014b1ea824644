package dev.porter.e2e.pages;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The IdP's hosted login form (dev-idp's, shaped like Auth0's Universal Login: username,
 * password, one submit button, an alert on failure).
 */
public final class IdpLoginPage {

	private static final By USERNAME = By.name("username");

	private static final By PASSWORD = By.name("password");

	private static final By ERROR = By.cssSelector("[role='alert']");

	private final WebDriver driver;

	private final WebDriverWait wait;

	IdpLoginPage(WebDriver driver) {
		this.driver = driver;
		this.wait = SpaPage.waitFor(driver);
	}

	IdpLoginPage awaitForm() {
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(USERNAME));
		return this;
	}

	/**
	 * Fills and submits the form; the caller waits for where the IdP sends the browser.
	 */
	public void submit(String username, String password) {
		WebElement user = this.driver.findElement(USERNAME);
		user.clear();
		user.sendKeys(username);
		this.driver.findElement(PASSWORD).sendKeys(password);
		this.driver.findElement(By.cssSelector("button[type='submit']")).click();
	}

	/** Signs in and waits until the SPA shows the signed-in profile. */
	public SpaPage signInAs(String username, String password, SpaPage spa) {
		submit(username, password);
		this.wait.until((d) -> spa.isSignedIn());
		return spa.awaitView();
	}

	/** Submits a wrong password and returns the error the IdP shows on its form. */
	public String failSignIn(String username, String password) {
		submit(username, password);
		return this.wait.until(ExpectedConditions.visibilityOfElementLocated(ERROR)).getText();
	}

}
