package io.autotag.shared.provider.http;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads one parameter from a header value such as {@code multipart/form-data; boundary="a b"} or
 * {@code form-data; name="file"; filename="x.jpg"}: parameters are separated by semicolons that are
 * not inside quotes, names are case-insensitive, and a quoted value may contain escaped characters
 * (RFC 9110 section 5.6.4).
 */
public final class HeaderParameters {

  private HeaderParameters() {}

  public static Optional<String> find(String headerValue, String name) {
    int i = headerValue.indexOf(';');
    if (i < 0) {
      return Optional.empty();
    }
    String wanted = name.toLowerCase(Locale.ROOT);
    int n = headerValue.length();
    while (i < n) {
      i++; // skip ';'
      while (i < n && Character.isWhitespace(headerValue.charAt(i))) {
        i++;
      }
      int nameStart = i;
      while (i < n && headerValue.charAt(i) != '=' && headerValue.charAt(i) != ';') {
        i++;
      }
      String key = headerValue.substring(nameStart, i).trim().toLowerCase(Locale.ROOT);
      String value = "";
      if (i < n && headerValue.charAt(i) == '=') {
        i++;
        while (i < n && Character.isWhitespace(headerValue.charAt(i))) {
          i++;
        }
        if (i < n && headerValue.charAt(i) == '"') {
          StringBuilder quoted = new StringBuilder();
          i++;
          while (i < n && headerValue.charAt(i) != '"') {
            char c = headerValue.charAt(i);
            if (c == '\\' && i + 1 < n) {
              i++;
              c = headerValue.charAt(i);
            }
            quoted.append(c);
            i++;
          }
          i++; // closing quote
          value = quoted.toString();
          while (i < n && headerValue.charAt(i) != ';') {
            i++;
          }
        } else {
          int valueStart = i;
          while (i < n && headerValue.charAt(i) != ';') {
            i++;
          }
          value = headerValue.substring(valueStart, i).trim();
        }
      }
      if (key.equals(wanted)) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }
}
