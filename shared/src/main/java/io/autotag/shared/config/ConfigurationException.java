package io.autotag.shared.config;

import java.util.List;

/**
 * Thrown at start-up when settings are missing or invalid; the message names every bad variable.
 */
public final class ConfigurationException extends RuntimeException {

  private final List<String> problems;

  public ConfigurationException(List<String> problems) {
    super("invalid configuration: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** One entry per bad variable, each starting with the variable's name. */
  public List<String> problems() {
    return problems;
  }
}
