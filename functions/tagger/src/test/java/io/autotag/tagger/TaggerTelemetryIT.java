package io.autotag.tagger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.local.LambdaEvents;
import io.autotag.local.LocalFunction;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.CapturedMetrics;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.StdoutLogs;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The tagger's metrics and logs, through the real handler, S3 and SQS servers, the real EMF library
 * with its sink captured and the function's own logback.xml: one object of each outcome, the
 * provider's calls, review messages, nothing before a SnapStart snapshot, no key anywhere in a
 * metric line, and one flat JSON log line per object and per classification.
 */
class TaggerTelemetryIT {

  static final String BUCKET = "metrics-uploads";
  static final ObjectMapper JSON = new ObjectMapper();
  static LocalAws aws;

  @BeforeAll
  static void start() {
    aws = LocalAws.start();
    aws.createBucket(BUCKET, false);
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  @Test
  void everyOutcomeIsCountedAndNoKeyReachesAMetricLine() throws Exception {
    byte[] confident = TestImages.png(Color.RED);
    byte[] unsure = TestImages.png(Color.BLUE);
    byte[] throttled = TestImages.png(Color.GREEN);
    FakeClassifier classifier =
        new FakeClassifier()
            .answer(confident, new Label("cat", 0.93))
            .answer(unsure, new Label("dog", 0.2))
            .fail(
                throttled, new ClassificationException(FailureReason.THROTTLED, "busy, try later"));
    CapturedMetrics sink = new CapturedMetrics();
    try (StdoutLogs logs = StdoutLogs.start();
        TaggerWiring wiring = wiring(classifier, sink, Map.of("AUTOTAG_PRIMING", "true"))) {
      assertThat(wiring.priming().prime()).isTrue();
      assertThat(sink.lines()).as("nothing emitted before the snapshot").isEmpty();

      put("secret-folder/cat.png", confident);
      put("secret-folder/unsure.png", unsure);
      put("secret-folder/notes.txt", "not an image".getBytes(StandardCharsets.UTF_8));
      TaggerHandler handler = new TaggerHandler(wiring);
      invoke(handler, "secret-folder/cat.png", "secret-folder/unsure.png");
      invoke(handler, "secret-folder/notes.txt", "secret-folder/deleted.png");
      invoke(handler, "secret-folder/cat.png");
      put("secret-folder/busy.png", throttled);
      try {
        invoke(handler, "secret-folder/busy.png");
      } catch (RuntimeException expected) {
        // the invocation fails so Lambda retries it: its metrics are still written
      }
      assertFlatLogs(logs);
    }

    assertThat(sink.sum("Objects", Map.of("Outcome", "classified"))).isEqualTo(1);
    assertThat(sink.sum("Objects", Map.of("Outcome", "review", "Reason", "low-confidence")))
        .isEqualTo(1);
    assertThat(sink.sum("Objects", Map.of("Outcome", "skipped", "Reason", "unsupported-type")))
        .isEqualTo(1);
    assertThat(sink.sum("Objects", Map.of("Outcome", "gone"))).isEqualTo(1);
    assertThat(sink.sum("Objects", Map.of("Outcome", "duplicate", "Reason", "already-tagged")))
        .isEqualTo(1);
    assertThat(sink.sum("Objects", Map.of("Outcome", "failed", "Reason", "provider-throttled")))
        .isEqualTo(1);
    assertThat(sink.sum("ReviewMessages", Map.of())).isEqualTo(1);
    assertThat(sink.sum("ClassifyCalls", Map.of("Provider", FakeClassifier.NAME))).isEqualTo(3);
    assertThat(sink.sum("ClassifyErrors", Map.of("Provider", FakeClassifier.NAME))).isEqualTo(1);
    assertThat(sink.find("ClassifyLatency", Map.of("Provider", FakeClassifier.NAME)))
        .allSatisfy(d -> assertThat(d.units()).containsEntry("ClassifyLatency", "Milliseconds"));
    assertThat(sink.documents()).allSatisfy(d -> assertThat(d.namespace()).isEqualTo("autotag"));
    assertThat(String.join("\n", sink.lines()))
        .doesNotContain("secret-folder", BUCKET, "cat.png", "\"cat\"");
  }

  /** The log lines of the run above: flat JSON, one per object and one per classifier call. */
  private static void assertFlatLogs(StdoutLogs logs) {
    assertThat(logs.json())
        .allSatisfy(
            line -> {
              assertThat(line.path("timestamp").asText()).isNotBlank();
              assertThat(line.path("level").asText()).isIn("DEBUG", "INFO", "WARN", "ERROR");
              assertThat(line.path("function").asText()).isNotBlank();
              line.properties()
                  .forEach(
                      field ->
                          assertThat(field.getValue().isContainerNode())
                              .as("%s is a plain value", field.getKey())
                              .isFalse());
            });
    List<JsonNode> objects = logs.withMessage("object processed");
    assertThat(objects)
        .extracting(line -> line.path("outcome").asText())
        .containsExactlyInAnyOrder(
            "classified", "review", "skipped", "gone", "duplicate", "failed");
    assertThat(objects)
        .allSatisfy(
            line -> {
              assertThat(line.path("requestId").asText()).isEqualTo("req-metrics");
              assertThat(line.path("bucket").asText()).isEqualTo(BUCKET);
              assertThat(line.path("key").asText()).startsWith("secret-folder/");
            });
    JsonNode failed = byOutcome(objects, "failed");
    assertThat(failed.path("level").asText()).isEqualTo("WARN");
    assertThat(failed.path("reason").asText()).isEqualTo("provider-throttled");
    assertThat(byOutcome(objects, "classified").path("label").asText()).isEqualTo("cat");
    assertThat(byOutcome(objects, "skipped").path("reason").asText()).isEqualTo("unsupported-type");
    List<JsonNode> calls = logs.withMessage("classification");
    assertThat(calls).hasSize(3);
    assertThat(calls)
        .allSatisfy(
            line -> {
              assertThat(line.path("provider").asText()).isEqualTo(FakeClassifier.NAME);
              assertThat(line.path("ms").isIntegralNumber()).isTrue();
              assertThat(line.path("key").asText()).startsWith("secret-folder/");
            });
    assertThat(calls)
        .anySatisfy(line -> assertThat(line.path("confidence").isNumber()).isTrue())
        .anySatisfy(
            line -> assertThat(line.path("reason").asText()).isEqualTo("provider-throttled"));
  }

  private static JsonNode byOutcome(List<JsonNode> lines, String outcome) {
    return lines.stream()
        .filter(line -> line.path("outcome").asText().equals(outcome))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void metricsAreOffOutsideLambdaUnlessAskedFor() throws Exception {
    CapturedMetrics sink = new CapturedMetrics();
    Map<String, String> env = new HashMap<>(Map.of("AUTOTAG_METRICS", "auto"));
    try (TaggerWiring wiring = wiring(new FakeClassifier(), sink, env)) {
      put("quiet.png", TestImages.png(Color.RED));
      invoke(new TaggerHandler(wiring), "quiet.png");
    }
    assertThat(sink.lines()).isEmpty();
  }

  private static TaggerWiring wiring(
      FakeClassifier classifier, CapturedMetrics sink, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(aws.env());
    env.put("AUTOTAG_PROVIDER", FakeClassifier.NAME);
    env.put("AUTOTAG_REVIEW_QUEUE_URL", aws.createQueue("metrics-review-" + System.nanoTime()));
    env.put("AUTOTAG_PRIMING", "false");
    env.put("AUTOTAG_METRICS", "emf");
    env.putAll(extra);
    return TaggerWiring.create(
        env,
        ProviderRegistry.builtIn().with(classifier),
        LocalAws::clients,
        Clock.systemUTC(),
        sink);
  }

  private static void put(String key, byte[] body) {
    aws.clients().s3().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
  }

  private static void invoke(TaggerHandler handler, String... keys) throws Exception {
    var event = JSON.createObjectNode();
    var records = event.putArray("Records");
    for (String key : keys) {
      records.add(
          LambdaEvents.s3ObjectCreated(
                  JSON, LocalAws.REGION, ObjectRef.of(BUCKET, key), "2026-12-03T10:00:00Z", "01")
              .path("Records")
              .path(0));
    }
    LocalFunction.TAGGER.invoke(handler, "req-metrics", event);
  }
}
