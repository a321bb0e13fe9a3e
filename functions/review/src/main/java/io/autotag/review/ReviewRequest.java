package io.autotag.review;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as the HTTP API (payload 2.0) hands it over: method, path, headers with
 * lower-case names, the body (base64-decoded when the event says so), the request id, and the
 * claims of a JWT that API Gateway's authorizer verified (empty when no authorizer ran).
 */
record ReviewRequest(
    String method,
    String path,
    Map<String, String> headers,
    byte[] body,
    String requestId,
    Map<String, String> jwtClaims) {

  ReviewRequest {
    headers = Map.copyOf(headers);
    jwtClaims = Map.copyOf(jwtClaims);
  }

  Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }
}
