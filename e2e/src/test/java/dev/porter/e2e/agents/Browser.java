package dev.porter.e2e.agents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.porter.e2e.processes.Layout;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Headless Chromium from the OS packages ({@code chromium}, {@code chromium-driver}),
 * driven through Selenium with both binaries named explicitly so that nothing is
 * downloaded. Tests that need it are skipped, saying how to install it, when it is
 * absent.
 */
public final class Browser implements AutoCloseable {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private final ChromeDriver driver;

	private final Path profile;

	private Browser(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
	}

	/** Skips the calling test when Chromium is not installed. */
	public static void assumeInstalled() {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"headless Chromium is not installed: run 'apt-get install chromium chromium-driver' (as root; .ci/run does)");
	}

	public static Browser start(int width, int height) {
		assumeInstalled();
		try {
			Path profile = Files.createTempDirectory("porter-chromium-");
			ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
			// Flags for a machine without a display, a sandbox user or outside network
			// access.
			options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
					"--disable-sync", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
			ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
				.usingAnyFreePort()
				// one log per browser: two journey classes may drive one each at a time
				.withLogFile(Layout.logs().resolve(profile.getFileName() + "-chromedriver.log").toFile())
				.build();
			ChromeDriver driver = new ChromeDriver(service, options);
			driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
			driver.manage().window().setSize(new Dimension(width, height));
			return new Browser(driver, profile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public WebDriver driver() {
		return this.driver;
	}

	/**
	 * Opens a new tab of this browser and switches to it: the tab it leaves becomes
	 * hidden ({@code document.visibilityState}), as when a user changes tabs.
	 * @return the handle of the tab left, for {@link #switchTo(String)}
	 */
	public String openTab() {
		return open(WindowType.TAB);
	}

	/**
	 * Opens a new window of this browser (same cookies) and switches to it: the window it
	 * leaves stays visible, as two windows side by side.
	 * @return the handle of the window left, for {@link #switchTo(String)}
	 */
	public String openWindow() {
		return open(WindowType.WINDOW);
	}

	private String open(WindowType type) {
		String left = this.driver.getWindowHandle();
		this.driver.switchTo().newWindow(type);
		return left;
	}

	/**
	 * Brings a tab or window to the front: a tab hidden until now becomes visible.
	 * @return the handle of the one left
	 */
	public String switchTo(String handle) {
		String left = this.driver.getWindowHandle();
		this.driver.switchTo().window(handle);
		return left;
	}

	/**
	 * Puts a cookie in this browser's jar for {@code origin} as a response of it would
	 * (host-only, path {@code /}, {@code SameSite=Lax}), replacing the one of that name:
	 * what another tab's sign-in leaves, without any page of this one being told.
	 */
	public void setCookie(URI origin, String name, String value, boolean httpOnly) {
		this.driver.executeCdpCommand("Network.setCookie", Map.of("url", origin.resolve("/").toString(), "name", name,
				"value", value, "path", "/", "secure", true, "httpOnly", httpOnly, "sameSite", "Lax"));
	}

	/**
	 * Fails every request whose URL matches one of {@code patterns} ({@code *} any
	 * characters) as a network error, as a dropped connection would, until
	 * {@link #unblockRequests()}.
	 */
	public void blockRequests(String... patterns) {
		this.driver.executeCdpCommand("Network.enable", Map.of());
		this.driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of(patterns)));
	}

	public void unblockRequests() {
		this.driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
	}

	/** Saves a PNG of the current page as {@code e2e/target/screenshots/<name>.png}. */
	public Path screenshot(String name) {
		Path target = Layout.screenshots().resolve(name + ".png");
		Path shot = ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.FILE).toPath();
		try {
			return Files.move(shot, target, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			deleteQuietly(this.profile);
		}
	}

	private static void deleteQuietly(Path dir) {
		try (var paths = Files.walk(dir)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
		catch (IOException ex) {
			// a leftover temp profile is harmless
		}
	}

}
