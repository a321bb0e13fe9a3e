package io.autotag.shared.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads typed values from an environment map and collects every problem instead of failing on the
 * first, so a configuration record can report all bad variables at once. Blank values count as
 * unset. Values are never echoed into messages: a variable may hold a secret.
 *
 * <p>Usage: read every field, then call {@link #check()} before building the record.
 */
public final class Settings {

  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  private Settings(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
  }

  public static Settings of(Map<String, String> env) {
    return new Settings(env);
  }

  /** The raw value, if set and not blank. */
  public Optional<String> optional(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  /** A required value; records a problem and returns an empty string when unset. */
  public String required(String name) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      problems.add(name + " is required");
      return "";
    }
    return value.get();
  }

  public int integer(String name, int defaultValue, int min, int max) {
    return (int) longValue(name, defaultValue, min, max);
  }

  public long longValue(String name, long defaultValue, long min, long max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(raw.get());
      if (value < min || value > max) {
        problems.add(name + " must be between " + min + " and " + max);
        return defaultValue;
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add(name + " must be a whole number");
      return defaultValue;
    }
  }

  public double decimal(String name, double defaultValue, double min, double max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      double value = Double.parseDouble(raw.get());
      if (!(value >= min && value <= max)) {
        problems.add(name + " must be between " + min + " and " + max);
        return defaultValue;
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add(name + " must be a number");
      return defaultValue;
    }
  }

  public boolean bool(String name, boolean defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    return switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> {
        problems.add(name + " must be true or false");
        yield defaultValue;
      }
    };
  }

  /** An absolute http(s) URI, if set. */
  public Optional<URI> httpUri(String name) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(raw.get());
      String scheme = uri.getScheme();
      if (uri.getHost() == null
          || scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        problems.add(name + " must be an http or https URL");
        return Optional.empty();
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      problems.add(name + " is not a valid URL");
      return Optional.empty();
    }
  }

  /** Records a problem found by cross-field validation; start it with the variable's name. */
  public void problem(String message) {
    problems.add(message);
  }

  /** The problems recorded so far, each starting with its variable's name. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** Throws a {@link ConfigurationException} naming every problem recorded so far. */
  public void check() {
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }
}
