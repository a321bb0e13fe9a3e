package io.autotag.review;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.MDC;

/**
 * The review function's entry point behind the HTTP API (payload 2.0): reads the event into a
 * {@link ReviewRequest}, lets the {@link ReviewRouter} answer, writes the response. An event that
 * is not an HTTP API event fails the invocation: that is a wiring mistake, not a reviewer's.
 */
public final class ReviewHandler implements RequestStreamHandler {

  private final ReviewWiring wiring;

  /** Used by Lambda: builds the wiring from the process environment. */
  public ReviewHandler() {
    this(ReviewWiring.fromEnvironment(System.getenv()));
  }

  ReviewHandler(ReviewWiring wiring) {
    this.wiring = wiring;
  }

  /** A handler over explicit wiring; the caller closes the wiring. */
  // Public so the local stack in cli/ serves the page with the handler Lambda runs.
  public static ReviewHandler create(ReviewWiring wiring) {
    return new ReviewHandler(wiring);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode event;
    try {
      event = wiring.json().readTree(input);
    } catch (IOException e) {
      throw new IllegalArgumentException("the event is not JSON", e);
    }
    ReviewRequest request;
    try {
      request = wiring.events().read(event, context.getAwsRequestId());
    } catch (ReviewEvents.MalformedEventException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    MDC.put("requestId", request.requestId());
    try {
      output.write(wiring.events().write(wiring.router().dispatch(request)));
    } finally {
      wiring.metrics().flush();
      MDC.remove("requestId");
    }
  }
}
