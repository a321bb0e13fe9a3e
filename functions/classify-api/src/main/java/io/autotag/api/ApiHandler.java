package io.autotag.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.classify.ProviderRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.MDC;

/**
 * Entry point behind API Gateway, for HTTP API (payload 2.0) and REST API (proxy) events alike:
 * reads the event into an {@link ApiRequest}, lets the {@link Router} answer, and writes the
 * response in the format the event came in. An event that is not an API Gateway proxy event fails
 * the invocation: that is a wiring mistake, not a client's.
 */
// AutoCloseable so the local stack in cli/ can release the wiring's clients (Lambda never does).
public final class ApiHandler implements RequestStreamHandler, AutoCloseable {

  private final ApiWiring wiring;

  /** Used by Lambda: builds the wiring from the process environment. */
  public ApiHandler() {
    this(ApiWiring.fromEnvironment(System.getenv()));
  }

  ApiHandler(ApiWiring wiring) {
    this.wiring = wiring;
  }

  /** A handler built from an explicit environment map, for the local stack. */
  public static ApiHandler fromEnvironment(Map<String, String> env) {
    return new ApiHandler(ApiWiring.fromEnvironment(env));
  }

  /** A handler with explicit providers and AWS clients; close it to release them. */
  // Public so the local stack in cli/ serves the API with emulator credentials (and test fakes).
  public static ApiHandler create(
      Map<String, String> env,
      ProviderRegistry providers,
      Function<AwsSettings, AwsClients> awsFactory) {
    return new ApiHandler(ApiWiring.create(env, providers, awsFactory));
  }

  @Override
  public void close() {
    wiring.close();
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
      MDC.remove("requestId");
    }
  }
}
