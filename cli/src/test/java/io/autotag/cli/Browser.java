package io.autotag.cli;

import io.autotag.local.HeadlessChromium;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether a browser test can run: where Debian's headless Chromium or its chromedriver is missing
 * ({@link HeadlessChromium}, which also starts it) the test is skipped with what to install, except
 * where {@code AUTOTAG_REQUIRE_BROWSER=true} (CI sets it, see {@code .ci/run}): there it fails.
 */
final class Browser {

  private Browser() {}

  /** Returns normally when a browser can be started; skips or fails the test otherwise. */
  static void require() {
    String missing = HeadlessChromium.missing().orElse(null);
    if (missing == null) {
      return;
    }
    String message =
        "no browser for the reviewer page tests: "
            + missing
            + " (install Debian's packages: "
            + HeadlessChromium.INSTALL
            + ")";
    if ("true".equalsIgnoreCase(System.getProperty("autotag.requireBrowser"))) {
      Assertions.fail(message + "; AUTOTAG_REQUIRE_BROWSER=true makes that an error");
    }
    Assumptions.abort(message);
  }
}
