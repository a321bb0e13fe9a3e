package io.autotag.cli;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What the HTTP API's routes do in AWS, for the one local HTTP front: requests for {@code /review}
 * and below go to the review function's handler, everything else to the classification API's;
 * {@code serve}'s own {@value ReviewThresholdRoute#PATH} (local only) to its handler.
 */
final class PathRoutes implements RequestStreamHandler {

  static final String REVIEW = "/review";

  private final RequestStreamHandler review;
  private final RequestStreamHandler api;
  private final RequestStreamHandler reviewThreshold;
  private final ObjectMapper json = new ObjectMapper();

  PathRoutes(
      RequestStreamHandler review, RequestStreamHandler api, RequestStreamHandler reviewThreshold) {
    this.review = review;
    this.api = api;
    this.reviewThreshold = reviewThreshold;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    byte[] event = input.readAllBytes();
    String path = json.readTree(event).path("rawPath").asText("");
    boolean toReview = path.equals(REVIEW) || path.startsWith(REVIEW + "/");
    RequestStreamHandler target =
        path.equals(ReviewThresholdRoute.PATH) ? reviewThreshold : toReview ? review : api;
    target.handleRequest(new ByteArrayInputStream(event), output, context);
  }
}
