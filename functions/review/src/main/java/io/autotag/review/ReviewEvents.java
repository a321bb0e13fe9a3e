package io.autotag.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HTTP API payload 2.0 events into {@link ReviewRequest}s and writes responses back. Only
 * 2.0: the review routes live on the HTTP API. JWT claims are read from {@code
 * requestContext.authorizer.jwt.claims}, where only API Gateway's authorizer can put them.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html">HTTP
 *     API payload format 2.0</a>
 */
final class ReviewEvents {

  /** The event is not an HTTP API payload 2.0 event: a wiring mistake, not a reviewer's. */
  static final class MalformedEventException extends Exception {
    MalformedEventException(String message) {
      super(message);
    }
  }

  private final ObjectMapper json;

  ReviewEvents(ObjectMapper json) {
    this.json = json;
  }

  ReviewRequest read(JsonNode event, String lambdaRequestId) throws MalformedEventException {
    if (event == null || !event.isObject() || !"2.0".equals(event.path("version").asText())) {
      throw new MalformedEventException("not an HTTP API payload 2.0 event");
    }
    JsonNode context = event.path("requestContext");
    String method = context.path("http").path("method").asText("");
    String path = event.path("rawPath").asText(context.path("http").path("path").asText(""));
    if (method.isEmpty() || path.isEmpty()) {
      throw new MalformedEventException("payload 2.0 event without method or path");
    }
    String stage = context.path("stage").asText("$default");
    if (!stage.equals("$default") && path.startsWith("/" + stage + "/")) {
      path = path.substring(stage.length() + 1);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    event
        .path("headers")
        .properties()
        .forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
    Map<String, String> claims = new LinkedHashMap<>();
    context
        .path("authorizer")
        .path("jwt")
        .path("claims")
        .properties()
        .forEach(e -> claims.put(e.getKey(), e.getValue().asText(e.getValue().toString())));
    return new ReviewRequest(
        method.toUpperCase(Locale.ROOT),
        path,
        headers,
        body(event),
        context.path("requestId").asText(lambdaRequestId),
        claims);
  }

  private static byte[] body(JsonNode event) throws MalformedEventException {
    JsonNode body = event.get("body");
    if (body == null || body.isNull()) {
      return new byte[0];
    }
    if (event.path("isBase64Encoded").asBoolean(false)) {
      try {
        return Base64.getMimeDecoder().decode(body.asText());
      } catch (IllegalArgumentException e) {
        throw new MalformedEventException("isBase64Encoded is set but the body is not base64");
      }
    }
    return body.asText().getBytes(StandardCharsets.UTF_8);
  }

  byte[] write(ReviewResponse response) {
    ObjectNode out = json.createObjectNode();
    out.put("statusCode", response.status());
    ObjectNode headers = out.putObject("headers");
    response.headers().forEach(headers::put);
    out.put("body", new String(response.body(), StandardCharsets.UTF_8));
    out.put("isBase64Encoded", false);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
