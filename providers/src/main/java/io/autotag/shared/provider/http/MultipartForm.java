package io.autotag.shared.provider.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code multipart/form-data} body (<a href="https://www.rfc-editor.org/rfc/rfc7578">RFC
 * 7578</a>, framing from <a href="https://www.rfc-editor.org/rfc/rfc2046#section-5.1.1">RFC 2046
 * 5.1.1</a>). The whole body is already in memory (API Gateway hands Lambda the complete body), so
 * the parser works on the byte array: it finds each delimiter ({@code CRLF--boundary}), reads the
 * part's headers, and keeps the content between delimiters byte for byte, which is what binary
 * image parts need. A body without its closing delimiter is malformed, as is one with too many
 * parts. It is the reading half of {@link Multipart}: the classification API parses uploads with
 * it, and the provider contract servers in the tests parse what the provider clients send.
 *
 * <p>Written here rather than taken from a library: Commons FileUpload 2 has only milestone
 * releases, and the servlet-free parsers on Maven Central pull in far more than this class.
 */
public final class MultipartForm {

  /**
   * One form field or file; {@code filename} and {@code contentType} are {@code null} if absent.
   */
  public record Part(String name, String filename, String contentType, byte[] content) {

    public String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  /** The body does not follow the multipart format. */
  public static final class MalformedMultipartException extends Exception {
    MalformedMultipartException(String message) {
      super(message, null, false, false);
    }
  }

  static final int MAX_PARTS = 50;
  private static final int MAX_HEADER_BYTES = 8 * 1024;
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

  private final List<Part> parts;

  private MultipartForm(List<Part> parts) {
    this.parts = List.copyOf(parts);
  }

  public List<Part> parts() {
    return parts;
  }

  public Optional<Part> part(String name) {
    return parts.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** A field's value as UTF-8 text, trimmed; empty when absent or blank. */
  public Optional<String> text(String name) {
    return part(name).map(Part::text).map(String::trim).filter(s -> !s.isEmpty());
  }

  public static MultipartForm parse(byte[] body, String boundary)
      throws MalformedMultipartException {
    if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
      throw new MalformedMultipartException("the multipart boundary is missing or too long");
    }
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int pos = firstDelimiter(body, delimiter);
    if (pos < 0) {
      throw new MalformedMultipartException("the body does not contain the multipart boundary");
    }
    List<Part> parts = new ArrayList<>();
    byte[] nextDelimiter = concat(CRLF, delimiter);
    while (true) {
      pos += delimiter.length;
      if (startsWith(body, pos, new byte[] {'-', '-'})) {
        return new MultipartForm(parts); // the closing delimiter; the epilogue is ignored
      }
      // Transport padding (RFC 2046: linear whitespace) may follow a delimiter before its CRLF.
      while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
        pos++;
      }
      if (!startsWith(body, pos, CRLF)) {
        throw new MalformedMultipartException("a multipart delimiter is not followed by CRLF");
      }
      pos += 2;
      int contentStart;
      Map<String, String> headers;
      if (startsWith(body, pos, CRLF)) {
        headers = Map.of();
        contentStart = pos + 2;
      } else {
        int headersEnd = indexOf(body, CRLF_CRLF, pos);
        if (headersEnd < 0 || headersEnd - pos > MAX_HEADER_BYTES) {
          throw new MalformedMultipartException("a multipart part has no end of headers");
        }
        headers = headers(new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8));
        contentStart = headersEnd + 4;
      }
      int contentEnd = indexOf(body, nextDelimiter, contentStart);
      if (contentEnd < 0) {
        throw new MalformedMultipartException("the multipart body ends without its final boundary");
      }
      if (parts.size() == MAX_PARTS) {
        throw new MalformedMultipartException("the multipart body has too many parts");
      }
      parts.add(part(headers, Arrays.copyOfRange(body, contentStart, contentEnd)));
      pos = contentEnd + 2;
    }
  }

  private static Part part(Map<String, String> headers, byte[] content)
      throws MalformedMultipartException {
    String disposition = headers.get("content-disposition");
    if (disposition == null
        || !disposition.trim().toLowerCase(Locale.ROOT).startsWith("form-data")) {
      throw new MalformedMultipartException("a multipart part has no form-data disposition");
    }
    String name =
        HeaderParameters.find(disposition, "name")
            .orElseThrow(() -> new MalformedMultipartException("a multipart part has no name"));
    return new Part(
        name,
        HeaderParameters.find(disposition, "filename").orElse(null),
        headers.get("content-type") == null ? null : headers.get("content-type").trim(),
        content);
  }

  private static Map<String, String> headers(String block) throws MalformedMultipartException {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line : block.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new MalformedMultipartException("a multipart part has a malformed header");
      }
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    return headers;
  }

  /** The first delimiter starts the body or a line; text before it is the ignored preamble. */
  private static int firstDelimiter(byte[] body, byte[] delimiter) {
    if (startsWith(body, 0, delimiter)) {
      return 0;
    }
    int at = indexOf(body, concat(CRLF, delimiter), 0);
    return at < 0 ? -1 : at + 2;
  }

  private static boolean startsWith(byte[] data, int from, byte[] prefix) {
    if (from < 0 || from + prefix.length > data.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    int last = data.length - pattern.length;
    byte first = pattern[0];
    for (int i = Math.max(from, 0); i <= last; i++) {
      if (data[i] == first && startsWith(data, i, pattern)) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
