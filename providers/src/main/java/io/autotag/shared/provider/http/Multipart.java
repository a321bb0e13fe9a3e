package io.autotag.shared.provider.http;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A {@code multipart/form-data} body (RFC 7578) built from byte arrays: text fields and file parts,
 * CRLF line breaks, a random boundary per body, and field and file names escaped so a name cannot
 * break out of its header. The parts are handed to the JDK as a list of arrays, so an image is not
 * copied into one big buffer, and the total length is declared.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7578">RFC 7578</a>
 */
public final class Multipart {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] CRLF = {'\r', '\n'};

  private final String boundary;
  private final List<byte[]> chunks;

  private Multipart(String boundary, List<byte[]> chunks) {
    this.boundary = boundary;
    this.chunks = List.copyOf(chunks);
  }

  public static Builder builder() {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    return new Builder("autotag-" + HexFormat.of().formatHex(random));
  }

  /** A builder with a fixed boundary, for tests. */
  static Builder builder(String boundary) {
    return new Builder(boundary);
  }

  public String boundary() {
    return boundary;
  }

  /** The {@code Content-Type} header value, with the boundary. */
  public String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  /**
   * The body for the JDK client, with its length declared: a publisher of several arrays alone
   * would be sent chunked, without a {@code Content-Length}, which servers may refuse.
   */
  public HttpRequest.BodyPublisher bodyPublisher() {
    return HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofByteArrays(chunks), length());
  }

  /** The body's length in bytes. */
  public long length() {
    return chunks.stream().mapToLong(c -> c.length).sum();
  }

  /** The whole body in one array (tests and benchmarks). */
  public byte[] toByteArray() {
    byte[] body = new byte[Math.toIntExact(length())];
    int at = 0;
    for (byte[] chunk : chunks) {
      System.arraycopy(chunk, 0, body, at, chunk.length);
      at += chunk.length;
    }
    return body;
  }

  /** Adds parts in order. */
  public static final class Builder {
    private final String boundary;
    private final List<byte[]> chunks = new ArrayList<>();

    private Builder(String boundary) {
      if (boundary.isEmpty() || boundary.length() > 70) {
        throw new IllegalArgumentException("a boundary is 1 to 70 characters");
      }
      this.boundary = boundary;
    }

    /** A text field, sent as UTF-8. */
    public Builder field(String name, String value) {
      Objects.requireNonNull(value, "value");
      header("Content-Disposition: form-data; name=\"" + escape(name) + "\"", null);
      chunks.add(value.getBytes(StandardCharsets.UTF_8));
      chunks.add(CRLF);
      return this;
    }

    /** A file part; {@code data} is not copied, so do not change it afterwards. */
    public Builder file(String name, String fileName, String contentType, byte[] data) {
      Objects.requireNonNull(data, "data");
      header(
          "Content-Disposition: form-data; name=\""
              + escape(name)
              + "\"; filename=\""
              + escape(fileName)
              + "\"",
          contentType);
      chunks.add(data);
      chunks.add(CRLF);
      return this;
    }

    public Multipart build() {
      List<byte[]> all = new ArrayList<>(chunks);
      all.add(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
      return new Multipart(boundary, all);
    }

    private void header(String disposition, String contentType) {
      StringBuilder head = new StringBuilder();
      head.append("--").append(boundary).append("\r\n").append(disposition).append("\r\n");
      if (contentType != null) {
        head.append("Content-Type: ").append(contentType).append("\r\n");
      }
      head.append("\r\n");
      chunks.add(head.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 7578 section 2 / the HTML form encoding: percent-encode quote, CR and LF. */
    static String escape(String name) {
      Objects.requireNonNull(name, "name");
      return name.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
    }
  }
}
