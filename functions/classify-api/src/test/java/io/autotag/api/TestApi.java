package io.autotag.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.local.LambdaEvents;
import io.autotag.local.LocalFunction;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.Label;
import io.autotag.shared.provider.ClassifierFactory;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Shared pieces for the API tests: environment, wiring with fakes, events, images. */
final class TestApi {

  /** The key the sample events in {@code events/} carry. */
  static final String KEY = "autotag-example-key";

  static final String KEY_HASH = "a94386c950961b6d423f055e1f3f762c6cca1b30e69ec641189b4253ec398e2f";

  static final Path EVENTS = Path.of("../../events");
  static final ObjectMapper JSON = new ObjectMapper();

  private TestApi() {}

  /** A working environment: default provider "scripted", the example key, plus overrides. */
  static Map<String, String> env(String... overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "eu-west-1");
    env.put("AUTOTAG_PROVIDER", "scripted");
    env.put("AUTOTAG_API_KEY_HASHES", KEY_HASH);
    for (int i = 0; i < overrides.length; i += 2) {
      env.put(overrides[i], overrides[i + 1]);
    }
    return env;
  }

  /**
   * The API tests' provider: named {@code name}, model {@code <name>-model}, single-label,
   * answering cat 0.82, dog 0.12, bird 0.06.
   */
  static FakeClassifier scripted(String name) {
    return new FakeClassifier(name)
        .modelId(name + "-model")
        .multiLabel(false)
        .defaultAnswer(new Label("cat", 0.82), new Label("dog", 0.12), new Label("bird", 0.06));
  }

  static ApiWiring wiring(Map<String, String> env, FakeClassifier... classifiers) {
    ProviderRegistry registry =
        ProviderRegistry.of(Arrays.stream(classifiers).map(ClassifierFactory::returning).toList());
    return ApiWiring.create(
        env,
        registry,
        settings ->
            AwsClients.create(
                settings,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))));
  }

  static ApiHandler handler(Map<String, String> env, FakeClassifier... classifiers) {
    return new ApiHandler(wiring(env, classifiers));
  }

  /** Invokes the handler with an event and returns the API Gateway response JSON. */
  static JsonNode invoke(ApiHandler handler, byte[] event) {
    try {
      return JSON.readTree(LocalFunction.CLASSIFY_API.invoke(handler, "test-request", event));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode invoke(ApiHandler handler, JsonNode event) {
    return invoke(handler, event.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The parsed body of a response. */
  static JsonNode body(JsonNode response) {
    try {
      return JSON.readTree(response.path("body").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] sampleEvent(String name) {
    try {
      return Files.readAllBytes(EVENTS.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] png(int width, int height) {
    return TestImages.png(Color.ORANGE, width, height);
  }

  static byte[] jpeg(int width, int height) {
    return TestImages.jpeg(Color.BLUE, width, height);
  }

  /** A payload 2.0 event; a body is base64-encoded when {@code binary}. */
  static ObjectNode v2(
      String method,
      String path,
      String query,
      Map<String, String> headers,
      byte[] body,
      boolean binary) {
    return LambdaEvents.httpApi(JSON, method, path, query, headers, body, binary);
  }

  /** Headers with the test key as a bearer token, plus name/value pairs. */
  static Map<String, String> withKey(String... headers) {
    return LambdaEvents.bearerHeaders(KEY, headers);
  }
}
