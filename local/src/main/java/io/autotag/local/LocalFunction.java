package io.autotag.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * A Lambda function as this JVM invokes it outside Lambda (the local stack, tests, benchmarks): its
 * name and its timeout, and the one way to invoke its stream handler as Lambda does (the event's
 * bytes in, a {@link LocalLambdaContext} with a deadline, the bytes the handler wrote out).
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/java-handler.html">Java handlers</a>
 */
public record LocalFunction(String name, Duration timeout) {

  /** The tagger, with {@code template.yaml}'s 60-second timeout. */
  public static final LocalFunction TAGGER =
      new LocalFunction("autotag-tagger", Duration.ofSeconds(60));

  /** The classification API, with API Gateway's 29-second integration timeout. */
  public static final LocalFunction CLASSIFY_API =
      new LocalFunction("autotag-classify-api", Duration.ofSeconds(29));

  /** The review function, with API Gateway's 29-second integration timeout. */
  public static final LocalFunction REVIEW =
      new LocalFunction("autotag-review", Duration.ofSeconds(29));

  /** The context of one invocation starting now: its deadline is {@link #timeout} away. */
  public LocalLambdaContext context(String requestId) {
    return new LocalLambdaContext(requestId, name, timeout);
  }

  /**
   * Invokes {@code handler} once with {@code event} and returns what it wrote. An {@link
   * IOException} of the handler comes out unchecked (nothing else here can throw one); runtime
   * exceptions come out as thrown, as Lambda would report them.
   */
  public byte[] invoke(RequestStreamHandler handler, String requestId, byte[] event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(new ByteArrayInputStream(event), out, context(requestId));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@link #invoke(RequestStreamHandler, String, byte[])} with JSON in and out. */
  public JsonNode invoke(RequestStreamHandler handler, String requestId, JsonNode event) {
    try {
      byte[] response = invoke(handler, requestId, Json.MAPPER.writeValueAsBytes(event));
      return Json.MAPPER.readTree(response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Made on first JSON use only, so a byte-only invocation (a cold-start harness) loads no more.
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }
}
