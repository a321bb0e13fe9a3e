package io.autotag.review;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A response for API Gateway: status, headers, and a text body (JSON, HTML, CSS, JavaScript). */
record ReviewResponse(int status, Map<String, String> headers, byte[] body) {

  ReviewResponse {
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  static ReviewResponse json(int status, byte[] body) {
    return new ReviewResponse(
        status, Map.of("content-type", "application/json", "cache-control", "no-store"), body);
  }

  static ReviewResponse redirect(String location) {
    return new ReviewResponse(
        308, Map.of("location", location), "".getBytes(StandardCharsets.UTF_8));
  }

  /** A copy with one more header (replacing one of the same name). */
  ReviewResponse withHeader(String name, String value) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put(name, value);
    return new ReviewResponse(status, all, body);
  }
}
