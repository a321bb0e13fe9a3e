package io.autotag.shared.provider.http;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Makes provider-supplied text safe for exception messages and logs: removes URL query strings
 * (presigned URLs and {@code api_key} parameters live there), removes any known secret value, drops
 * control characters and bounds the length. Providers sometimes echo the request in an error.
 */
public final class SafeText {

  private static final int MAX_LENGTH = 300;
  private static final Pattern QUERY = Pattern.compile("\\?[^\\s\"'<>]*");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}+");

  private SafeText() {}

  public static String clean(String text, Collection<String> secrets) {
    if (text == null) {
      return "";
    }
    String cleaned = text;
    for (String secret : secrets) {
      // Short values would redact ordinary words; real keys and tokens are long.
      if (secret != null && secret.length() >= 6) {
        cleaned = cleaned.replace(secret, "***");
      }
    }
    cleaned = QUERY.matcher(cleaned).replaceAll("?...");
    cleaned = CONTROL.matcher(cleaned).replaceAll(" ").strip();
    return cleaned.length() > MAX_LENGTH ? cleaned.substring(0, MAX_LENGTH) + "..." : cleaned;
  }
}
