package io.autotag.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.MDC;

/**
 * Entry point behind API Gateway, for HTTP API (payload 2.0) and REST API (proxy) events alike:
 * reads the event into an {@link ApiRequest}, lets the {@link Router} answer, and writes the
 * response in the format the event came in. An event that is not an API Gateway proxy event fails
 * the invocation: that is a wiring mistake, not a client's.
 */
public final class ApiHandler implements RequestStreamHandler {

  private final ApiWiring wiring;

  /** Used by Lambda: builds the wiring from the process environment. */
  public ApiHandler() {
    this(ApiWiring.fromEnvironment(System.getenv()));
  }

  ApiHandler(ApiWiring wiring) {
    this.wiring = wiring;
  }

  /**
   * A handler over explicit wiring (see {@link ApiWiring#create}), so the local stack in cli/
   * serves the real handler; the caller closes the wiring.
   */
  public static ApiHandler create(ApiWiring wiring) {
    return new ApiHandler(wiring);
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
    ApiRequest request;
    try {
      request = wiring.events().read(event, context.getAwsRequestId());
    } catch (ApiEvents.MalformedEventException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    MDC.put("requestId", request.requestId());
    try {
      ApiResponse response = wiring.router().dispatch(request);
      output.write(wiring.events().write(response, request.version()));
    } finally {
      wiring.metrics().flush();
      MDC.remove("requestId");
    }
  }
}
