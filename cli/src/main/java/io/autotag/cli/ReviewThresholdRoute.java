package io.autotag.cli;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.pipeline.TaggingPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * {@code serve}'s own route, {@value #PATH}: {@code GET} shows the tagger's review threshold,
 * {@code PUT} (or {@code POST}) a number between 0 and 1 changes it for the uploads that follow, so
 * the tour's review step needs no restart (which would lose the in-memory buckets and queues).
 * {@code curl -X PUT --data 1 .../local/review-threshold} sends every upload to review. In AWS the
 * threshold is the tagger's {@code AUTOTAG_REVIEW_THRESHOLD}; this route exists only locally, on
 * loopback like the emulators.
 */
final class ReviewThresholdRoute implements RequestStreamHandler {

  static final String PATH = "/local/review-threshold";

  private final TaggingPipeline tagger;
  private final ObjectMapper json = new ObjectMapper();

  ReviewThresholdRoute(TaggingPipeline tagger) {
    this.tagger = tagger;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode event = json.readTree(input);
    String method = event.path("requestContext").path("http").path("method").asText("GET");
    ObjectNode response =
        switch (method) {
          case "GET" -> current();
          case "PUT", "POST" -> change(event);
          default -> error(405, "method-not-allowed", "use GET, or PUT with a number");
        };
    json.writeValue(output, response);
  }

  private ObjectNode change(JsonNode event) {
    double threshold;
    try {
      threshold = Double.parseDouble(body(event).strip());
    } catch (IllegalArgumentException e) {
      // Not a number, or a body that is not base64 where the event says it is.
      threshold = Double.NaN;
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      return error(
          400,
          "invalid-parameter",
          "send the review threshold as a number between 0 and 1 (1 sends every upload to review)");
    }
    tagger.reviewThreshold(threshold);
    return current();
  }

  private static String body(JsonNode event) {
    String body = event.path("body").asText("");
    return event.path("isBase64Encoded").asBoolean(false)
        ? new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8)
        : body;
  }

  private ObjectNode current() {
    return response(200, json.createObjectNode().put("reviewThreshold", tagger.reviewThreshold()));
  }

  private ObjectNode error(int status, String code, String message) {
    ObjectNode body = json.createObjectNode();
    body.putObject("error").put("code", code).put("message", message);
    return response(status, body);
  }

  private ObjectNode response(int status, ObjectNode body) {
    ObjectNode response = json.createObjectNode().put("statusCode", status);
    response.putObject("headers").put("content-type", "application/json");
    return response.put("body", body.toString()).put("isBase64Encoded", false);
  }
}
