package io.autotag.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.provider.http.MultipartForm;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Small helpers the routes share for form bodies and JSON output. */
final class Forms {

  private Forms() {}

  /** Parses the request's multipart body, answering 400 when it is malformed. */
  static MultipartForm multipart(ApiRequest request) {
    String boundary =
        request
            .contentTypeParameter("boundary")
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "malformed-multipart", "the multipart Content-Type has no boundary"));
    try {
      return MultipartForm.parse(request.body(), boundary);
    } catch (MultipartForm.MalformedMultipartException e) {
      // Our own message, written to be shown.
      throw ApiException.badRequest("malformed-multipart", e.getMessage());
    }
  }

  /** Parses an {@code application/x-www-form-urlencoded} body. */
  static Map<String, List<String>> urlEncoded(ApiRequest request) {
    return ApiEvents.parseQuery(new String(request.body(), StandardCharsets.US_ASCII));
  }

  /** The node serialised as UTF-8 JSON, for a response body. */
  static byte[] jsonBytes(JsonNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }
}
