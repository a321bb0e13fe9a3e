package io.autotag.shared.provider.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser for {@code multipart/form-data} bodies, written from RFC 7578 and RFC 2046 for
 * the contract servers: it insists on CRLF line breaks, a closing delimiter, and a {@code
 * Content-Disposition} with a name on every part, so a sloppy client fails the test.
 */
public final class MultipartForm {

  /** One part. */
  public record Part(
      String name, Optional<String> fileName, Optional<String> contentType, byte[] data) {

    public String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  private static final Pattern BOUNDARY =
      Pattern.compile("multipart/form-data;\\s*boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);
  private static final Pattern NAME = Pattern.compile(";\\s*name=\"([^\"]*)\"");
  private static final Pattern FILE_NAME = Pattern.compile(";\\s*filename=\"([^\"]*)\"");

  private final Map<String, List<Part>> parts;

  private MultipartForm(Map<String, List<Part>> parts) {
    this.parts = parts;
  }

  /** Parses a body; throws {@link IllegalArgumentException} saying what is wrong. */
  public static MultipartForm parse(String contentType, byte[] body) {
    if (contentType == null) {
      throw new IllegalArgumentException("no Content-Type");
    }
    Matcher m = BOUNDARY.matcher(contentType);
    if (!m.find()) {
      throw new IllegalArgumentException("not multipart/form-data with a boundary");
    }
    byte[] delimiter = ("--" + m.group(1)).getBytes(StandardCharsets.US_ASCII);
    Map<String, List<Part>> parts = new LinkedHashMap<>();
    int at = indexOf(body, delimiter, 0);
    if (at != 0) {
      throw new IllegalArgumentException("the body does not start with the boundary");
    }
    while (true) {
      int afterDelimiter = at + delimiter.length;
      if (startsWith(body, afterDelimiter, "--")) {
        return new MultipartForm(parts);
      }
      if (!startsWith(body, afterDelimiter, "\r\n")) {
        throw new IllegalArgumentException("a boundary line does not end with CRLF");
      }
      int headersStart = afterDelimiter + 2;
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), headersStart);
      if (headersEnd < 0) {
        throw new IllegalArgumentException("a part has no blank line after its headers");
      }
      String headers =
          new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
      int dataStart = headersEnd + 4;
      byte[] next =
          ("\r\n--" + new String(delimiter, StandardCharsets.US_ASCII).substring(2))
              .getBytes(StandardCharsets.US_ASCII);
      int dataEnd = indexOf(body, next, dataStart);
      if (dataEnd < 0) {
        throw new IllegalArgumentException("no closing boundary");
      }
      byte[] data = Arrays.copyOfRange(body, dataStart, dataEnd);
      Part part = part(headers, data);
      parts.computeIfAbsent(part.name(), k -> new ArrayList<>()).add(part);
      at = dataEnd + 2;
    }
  }

  private static Part part(String headers, byte[] data) {
    String disposition = null;
    String type = null;
    for (String line : headers.split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-disposition:")) {
        disposition = line.substring(line.indexOf(':') + 1).trim();
      } else if (lower.startsWith("content-type:")) {
        type = line.substring(line.indexOf(':') + 1).trim();
      }
    }
    if (disposition == null || !disposition.startsWith("form-data")) {
      throw new IllegalArgumentException("a part has no form-data Content-Disposition");
    }
    Matcher name = NAME.matcher(disposition);
    if (!name.find()) {
      throw new IllegalArgumentException("a part has no name");
    }
    Matcher file = FILE_NAME.matcher(disposition);
    return new Part(
        name.group(1),
        file.find() ? Optional.of(file.group(1)) : Optional.empty(),
        Optional.ofNullable(type),
        data);
  }

  public Optional<Part> part(String name) {
    List<Part> found = parts.get(name);
    return found == null ? Optional.empty() : Optional.of(found.getFirst());
  }

  public Optional<String> text(String name) {
    return part(name).map(Part::text);
  }

  public List<Part> all(String name) {
    return parts.getOrDefault(name, List.of());
  }

  public Set<String> names() {
    return parts.keySet();
  }

  private static boolean startsWith(byte[] data, int at, String prefix) {
    byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
    if (at + p.length > data.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (data[at + i] != p[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] data, byte[] needle, int from) {
    outer:
    for (int i = from; i <= data.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
