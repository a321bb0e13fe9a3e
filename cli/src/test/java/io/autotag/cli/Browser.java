package io.autotag.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its chromedriver. Where they are missing a browser test
 * is skipped with what to install, except where {@code AUTOTAG_REQUIRE_BROWSER=true} (CI sets it,
 * see {@code .ci/run}): there it fails.
 */
final class Browser {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private Browser() {}

  /** Returns normally when a browser can be started; skips or fails the test otherwise. */
  static void require() {
    String missing =
        !Files.isExecutable(CHROMIUM)
            ? CHROMIUM + " is missing"
            : !Files.isExecutable(CHROMEDRIVER) ? CHROMEDRIVER + " is missing" : null;
    if (missing == null) {
      return;
    }
    String message =
        "no browser for the reviewer page tests: "
            + missing
            + " (install Debian's packages: apt-get install chromium chromium-driver)";
    if ("true".equalsIgnoreCase(System.getProperty("autotag.requireBrowser"))) {
      Assertions.fail(message + "; AUTOTAG_REQUIRE_BROWSER=true makes that an error");
    }
    Assumptions.abort(message);
  }

  /**
   * A fresh headless browser with its own profile folder. The flags keep it from calling home
   * (component updates, sync, background requests): the machine has no network but loopback.
   */
  static ChromeDriver start(Path profile) {
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(CHROMIUM.toFile())
            .addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1440,900",
                "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }
}
