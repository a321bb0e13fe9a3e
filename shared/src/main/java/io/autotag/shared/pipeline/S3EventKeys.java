package io.autotag.shared.pipeline;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes object keys as S3 event notifications carry them: form-URL-encoded UTF-8, so
 * a space arrives as {@code +}, a plus as {@code %2B} and non-ASCII characters percent-encoded.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html">Event
 *     message structure</a>
 */
public final class S3EventKeys {

  private S3EventKeys() {}

  /** Encodes a key the way S3 writes it into an event (slashes are left as they are). */
  public static String encode(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
  }

  /**
   * Decodes an event key.
   *
   * @throws IllegalArgumentException if the key holds a malformed percent escape
   */
  public static String decode(String encodedKey) {
    return URLDecoder.decode(encodedKey, StandardCharsets.UTF_8);
  }
}
