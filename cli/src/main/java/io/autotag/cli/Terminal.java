package io.autotag.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether stderr is a terminal, which decides if progress bars are drawn. */
final class Terminal {

  /** Set by the {@code autotag} launcher from {@code [ -t 2 ]}, the one reliable test. */
  static final String STDERR_TTY_PROPERTY = "autotag.stderr.tty";

  private Terminal() {}

  static boolean stderrIsTerminal() {
    String hint = System.getProperty(STDERR_TTY_PROPERTY);
    if (hint != null) {
      return Boolean.parseBoolean(hint);
    }
    Console console = System.console();
    if (console == null) {
      return false;
    }
    // JDK 22+ returns a console even when redirected and says so with isTerminal(); the project
    // compiles for 21, hence the reflective call.
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
