package io.autotag.review;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The reviewer page: plain HTML, CSS and JavaScript shipped in the function's zip (no build step,
 * nothing loaded from the network), read once at start-up and answered with an {@code ETag} so a
 * browser revalidates cheaply. Every page response carries a Content-Security-Policy that allows
 * scripts and styles from this origin only, images from this origin and S3 (the presigned URLs),
 * and connections to this origin and the sign-in endpoint.
 */
final class StaticPage {

  private static final String ROOT = "/io/autotag/review/page/";
  private static final Map<String, String> TYPES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "app.js", "text/javascript; charset=utf-8",
          "app.css", "text/css; charset=utf-8",
          "icon.svg", "image/svg+xml");

  private record File(byte[] body, String type, String eTag) {}

  private final Map<String, File> files = new LinkedHashMap<>();
  private final String contentSecurityPolicy;

  StaticPage(String imageOrigins, String connectOrigins) {
    for (var entry : TYPES.entrySet()) {
      byte[] body = read(entry.getKey());
      files.put(entry.getKey(), new File(body, entry.getValue(), "\"" + digest(body) + "\""));
    }
    this.contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: "
            + imageOrigins
            + "; connect-src 'self' "
            + connectOrigins
            + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  }

  /**
   * The file at {@code name} ({@code ""} is the page itself), or empty; {@code ifNoneMatch} is the
   * request's {@code If-None-Match}, {@code null} when it sent none.
   */
  Optional<ReviewResponse> serve(String name, String ifNoneMatch) {
    if (name.equals("index.html")) {
      return Optional.empty(); // the page is at /review itself
    }
    File file = files.get(name.isEmpty() ? "index.html" : name);
    if (file == null) {
      return Optional.empty();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", file.type());
    headers.put("cache-control", "no-cache");
    headers.put("etag", file.eTag());
    headers.put("content-security-policy", contentSecurityPolicy);
    if (file.eTag().equals(ifNoneMatch)) {
      return Optional.of(new ReviewResponse(304, headers, new byte[0]));
    }
    return Optional.of(new ReviewResponse(200, headers, file.body()));
  }

  String contentSecurityPolicy() {
    return contentSecurityPolicy;
  }

  private static byte[] read(String name) {
    try (InputStream in = StaticPage.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("the page file " + name + " is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String digest(byte[] body) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(body))
          .substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
