package io.autotag.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.api.ApiHandler;
import io.autotag.api.ApiWiring;
import io.autotag.local.LambdaEvents;
import io.autotag.local.LocalFunction;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.Label;
import io.autotag.shared.provider.ClassifierFactory;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The classification API as the API benchmarks run it: the real handler built through its one seam
 * ({@link ApiWiring#create}), in {@code api-key} mode, with a scripted fake provider, invoked with
 * payload 2.0 events the way API Gateway invokes it.
 */
final class ApiFixture {

  /** The key the benchmark requests present, and its SHA-256 the function is configured with. */
  static final String KEY = "autotag-example-key";

  private static final String KEY_HASH =
      "a94386c950961b6d423f055e1f3f762c6cca1b30e69ec641189b4253ec398e2f";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiFixture() {}

  /** A single-label fake answering cat 0.82, dog 0.12, bird 0.06 after {@code latency}. */
  static FakeClassifier scripted(Duration latency) {
    return new FakeClassifier("scripted")
        .modelId("scripted-model")
        .multiLabel(false)
        .latency(latency)
        .defaultAnswer(new Label("cat", 0.82), new Label("dog", 0.12), new Label("bird", 0.06));
  }

  /** The API's handler with {@code classifier} as its only provider. */
  static ApiHandler handler(FakeClassifier classifier) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "eu-west-1");
    env.put("AUTOTAG_PROVIDER", classifier.name());
    env.put("AUTOTAG_API_KEY_HASHES", KEY_HASH);
    ApiWiring wiring =
        ApiWiring.create(
            env,
            ProviderRegistry.of(List.of(ClassifierFactory.returning(classifier))),
            settings ->
                AwsClients.create(
                    settings,
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))));
    return ApiHandler.create(wiring);
  }

  /** A payload 2.0 event, its body base64-encoded when {@code binary}. */
  static byte[] event(
      String method, String path, Map<String, String> headers, byte[] body, boolean binary) {
    return LambdaEvents.httpApi(JSON, method, path, "", headers, body, binary)
        .toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Invokes the handler; fails unless it answers {@code status}. */
  static void invoke(ApiHandler handler, byte[] event, int status) throws IOException {
    String response =
        new String(
            LocalFunction.CLASSIFY_API.invoke(handler, "bench", event), StandardCharsets.UTF_8);
    if (!response.contains("\"statusCode\":" + status)) {
      throw new IllegalStateException("expected " + status + ", handler answered " + response);
    }
  }

  /** A 640x480 JPEG with texture, about the size of a phone photo scaled for classification. */
  static byte[] photo() {
    BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
    SplittableRandom random = new SplittableRandom(42);
    for (int y = 0; y < 480; y++) {
      for (int x = 0; x < 640; x++) {
        int noise = random.nextInt(48);
        image.setRGB(
            x,
            y,
            ((x / 3 + noise) & 0xFF) << 16 | ((y / 2 + noise) & 0xFF) << 8 | (noise * 4 & 0xFF));
      }
    }
    return TestImages.encode(image, "jpg");
  }
}
