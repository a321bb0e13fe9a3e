package io.autotag.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.local.LambdaEvents;
import io.autotag.local.LocalFunction;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.secrets.KeyHashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.cloudwatchlogs.emf.sinks.ConsoleSink;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/** Shared pieces for the review tests: environment, wiring, events, responses. */
final class TestReview {

  static final String ALICE_KEY = "alice-reviewer-key-0123456789";
  static final String BOB_KEY = "bob-reviewer-key-0123456789";
  static final String TOKEN_KEY = "a-token-signing-key-of-at-least-32-chars";
  static final Path EVENTS = Path.of("../../events");
  static final ObjectMapper JSON = new ObjectMapper();

  private TestReview() {}

  /** A working reviewer-key environment for alice and bob, plus overrides. */
  static Map<String, String> env(Map<String, String> aws, String queueUrl, String... overrides) {
    Map<String, String> env = new HashMap<>(aws);
    env.put("AUTOTAG_REVIEW_QUEUE_URL", queueUrl);
    env.put(
        "AUTOTAG_REVIEWER_KEYS",
        "alice=" + KeyHashes.sha256Hex(ALICE_KEY) + ",bob=" + KeyHashes.sha256Hex(BOB_KEY));
    env.put("AUTOTAG_REVIEW_TOKEN_KEY", TOKEN_KEY);
    env.put("AUTOTAG_FEEDBACK_BUCKET", "feedback");
    env.put("AUTOTAG_PRIMING", "false");
    env.put("AUTOTAG_REVIEW_WAIT_SECONDS", "0");
    for (int i = 0; i < overrides.length; i += 2) {
      env.put(overrides[i], overrides[i + 1]);
    }
    return env;
  }

  static ReviewWiring wiring(Map<String, String> env, Clock clock, ExecutionInterceptor... hooks) {
    return wiring(env, clock, new ConsoleSink(), hooks);
  }

  /** The same with the metrics, when on, written to {@code metrics}. */
  static ReviewWiring wiring(
      Map<String, String> env, Clock clock, ISink metrics, ExecutionInterceptor... hooks) {
    Function<AwsSettings, AwsClients> aws =
        settings ->
            AwsClients.create(
                settings,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                List.of(hooks));
    return ReviewWiring.create(env, aws, clock, metrics);
  }

  /** A payload 2.0 event as the HTTP API sends it: a JSON body, if any, and its own request id. */
  static ObjectNode event(String method, String path, Map<String, String> headers, String body) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("host", "local");
    h.putAll(headers);
    if (body != null) {
      h.put("content-type", "application/json");
    }
    ObjectNode event =
        LambdaEvents.httpApi(
            JSON,
            method,
            path,
            "",
            h,
            body == null ? null : body.getBytes(StandardCharsets.UTF_8),
            false);
    ((ObjectNode) event.path("requestContext")).put("requestId", "req-" + System.nanoTime());
    event.put("isBase64Encoded", false);
    return event;
  }

  static JsonNode invoke(ReviewHandler handler, JsonNode event) {
    return LocalFunction.REVIEW.invoke(handler, "test-request", event);
  }

  /** A reviewer's view of the API: their key on every call. */
  record Client(ReviewHandler handler, String key) {

    Response get(String path) {
      return call("GET", path, null);
    }

    Response post(String path, Object body) {
      try {
        return call("POST", path, JSON.writeValueAsString(body));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Response call(String method, String path, String body) {
      Map<String, String> headers =
          key == null ? Map.of() : Map.of("authorization", "Bearer " + key);
      return Response.of(invoke(handler, event(method, path, headers, body)));
    }

    List<JsonNode> claim(int count) {
      Response response = post("/review/api/claim", Map.of("count", count));
      if (response.status() != 200) {
        throw new AssertionError("claim answered " + response.status() + " " + response.body());
      }
      return StreamSupport.stream(response.json().path("items").spliterator(), false).toList();
    }
  }

  /** An API Gateway response: status, headers, body text. */
  record Response(int status, JsonNode headers, String body) {
    static Response of(JsonNode raw) {
      return new Response(
          raw.path("statusCode").asInt(), raw.path("headers"), raw.path("body").asText());
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String code() {
      return json().path("error").path("code").asText();
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
