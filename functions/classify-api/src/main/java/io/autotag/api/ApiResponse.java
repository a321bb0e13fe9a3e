package io.autotag.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A response to write back to API Gateway: status, headers and a JSON (UTF-8) body. */
record ApiResponse(int status, Map<String, String> headers, byte[] body) {

  ApiResponse {
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  static ApiResponse json(int status, byte[] body) {
    return new ApiResponse(status, Map.of("content-type", "application/json"), body);
  }

  /** A copy with one more header. */
  ApiResponse withHeader(String name, String value) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put(name, value);
    return new ApiResponse(status, all, body);
  }
}
