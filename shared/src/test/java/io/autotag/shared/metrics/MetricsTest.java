package io.autotag.shared.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotag.shared.config.ConfigurationException;
import io.autotag.shared.config.Settings;
import io.autotag.shared.testing.CapturedMetrics;
import io.autotag.shared.testing.CapturedMetrics.Document;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every metric through the real aws-embedded-metrics library, its sink captured: each line is
 * checked against the EMF specification as it is written ({@link CapturedMetrics}), then read back
 * for namespace, dimension sets, values and units.
 */
class MetricsTest {

  final CapturedMetrics sink = new CapturedMetrics();
  final Metrics metrics = Metrics.emf("autotag-test", sink);

  @Test
  void objectsAreCountedByOutcomeAndByOutcomeAndReason() {
    metrics.object("classified", null);
    metrics.object("classified", null);
    metrics.object("skipped", "corrupt-image");
    metrics.object("failed", "provider-throttled");
    metrics.flush();

    List<Document> documents = sink.documents();
    assertThat(documents).hasSize(3);
    assertThat(documents).allSatisfy(d -> assertThat(d.namespace()).isEqualTo("autotag-test"));
    Document classified = sink.find("Objects", Map.of("Outcome", "classified")).getFirst();
    assertThat(classified.dimensionSets()).containsExactly(List.of("Outcome"));
    assertThat(classified.values().get("Objects")).containsExactly(2.0);
    assertThat(classified.units()).containsEntry("Objects", "Count");
    Document skipped = sink.find("Objects", Map.of("Outcome", "skipped")).getFirst();
    assertThat(skipped.dimensionSets())
        .containsExactly(List.of("Outcome"), List.of("Outcome", "Reason"));
    assertThat(skipped.dimensions()).containsEntry("Reason", "corrupt-image");
    assertThat(sink.sum("Objects", Map.of("Outcome", "failed", "Reason", "provider-throttled")))
        .isEqualTo(1.0);
  }

  @Test
  void classifyCallsKeepEveryLatencyAndCountProviderErrorsByProviderAndInTotal() {
    metrics.classify("onnx", 52, false);
    metrics.classify("onnx", 61, false);
    metrics.classify("roboflow", 3000, true);
    metrics.fallback("roboflow");
    metrics.flush();

    Document onnx = sink.find("ClassifyLatency", Map.of("Provider", "onnx")).getFirst();
    assertThat(onnx.dimensionSets()).containsExactly(List.of("Provider"), List.of());
    assertThat(onnx.values().get("ClassifyLatency")).containsExactly(52.0, 61.0);
    assertThat(onnx.units())
        .containsEntry("ClassifyLatency", "Milliseconds")
        .containsEntry("ClassifyCalls", "Count")
        .containsEntry("ClassifyErrors", "Count");
    assertThat(onnx.sum("ClassifyCalls")).isEqualTo(2.0);
    assertThat(onnx.sum("ClassifyErrors")).isZero();
    assertThat(sink.sum("ClassifyErrors", Map.of("Provider", "roboflow"))).isEqualTo(1.0);
    Document fallbacks = sink.find("Fallbacks", Map.of()).getFirst();
    assertThat(fallbacks.dimensions()).containsExactly(Map.entry("Provider", "roboflow"));
  }

  @Test
  void requestsAreCountedAndTimedByRouteAndStatusClass() {
    metrics.request("/classify", 200, 57);
    metrics.request("/classify", 201, 40);
    metrics.request("/classify", 503, 3);
    metrics.flush();

    Document ok = sink.find("Requests", Map.of("StatusClass", "2xx")).getFirst();
    assertThat(ok.dimensionSets()).containsExactly(List.of("Route", "StatusClass"));
    assertThat(ok.dimensions()).containsEntry("Route", "/classify");
    assertThat(ok.sum("Requests")).isEqualTo(2.0);
    assertThat(ok.values().get("RequestLatency")).containsExactly(57.0, 40.0);
    assertThat(sink.sum("Requests", Map.of("StatusClass", "5xx"))).isEqualTo(1.0);
  }

  @Test
  void reviewMessagesHaveNoDimensionAndVerdictsAResult() {
    metrics.reviewMessages(3);
    metrics.reviewMessages(2);
    metrics.verdict("labelled");
    metrics.flush();

    Document review = sink.find("ReviewMessages", Map.of()).getFirst();
    assertThat(review.dimensionSets()).containsExactly(List.of());
    assertThat(review.sum("ReviewMessages")).isEqualTo(5.0);
    assertThat(sink.sum("Verdicts", Map.of("Result", "labelled"))).isEqualTo(1.0);
  }

  @Test
  void valuesOutsideTheVocabulariesBecomeOther() {
    metrics.object("skipped", "https://user:secret@example.com/x");
    metrics.object("skipped", "photos/My Holiday.jpg?X-Amz-Signature=abc");
    metrics.request("/{dataset}/{version}", 404, 1);
    metrics.flush();

    assertThat(sink.sum("Objects", Map.of("Reason", "other"))).isEqualTo(2.0);
    assertThat(String.join("\n", sink.lines())).doesNotContain("secret", "Holiday", "Signature");
    assertThat(sink.find("Requests", Map.of("Route", "/{dataset}/{version}"))).hasSize(1);
  }

  @Test
  void aFlushWritesWhatWasRecordedSinceTheLastOneOnly() {
    metrics.object("gone", "object-gone");
    metrics.flush();
    metrics.flush();
    assertThat(sink.lines()).hasSize(1);
    metrics.object("gone", "object-gone");
    metrics.flush();
    assertThat(sink.lines()).hasSize(2);
  }

  @Test
  void discardedMetricsAreNeverWritten() {
    metrics.request("/health", 200, 1);
    metrics.discard();
    metrics.flush();
    assertThat(sink.lines()).isEmpty();
  }

  @Test
  void concurrentRecordingLosesNothing() throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      pool.execute(
          () -> {
            for (int i = 0; i < 500; i++) {
              metrics.object("classified", null);
              if (i % 100 == 0) {
                metrics.flush();
              }
            }
          });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    metrics.flush();
    assertThat(sink.sum("Objects", Map.of("Outcome", "classified"))).isEqualTo(4000.0);
  }

  @Test
  void offRecordsNothing() {
    Metrics off = Metrics.off();
    off.object("classified", null);
    off.flush();
    assertThat(off.enabled()).isFalse();
  }

  @Test
  void autoIsOnInsideLambdaOnly() {
    assertThat(Metrics.from(Settings.of(Map.of()), sink).enabled()).isFalse();
    assertThat(
            Metrics.from(Settings.of(Map.of("AWS_LAMBDA_FUNCTION_NAME", "tagger")), sink).enabled())
        .isTrue();
    assertThat(
            Metrics.from(
                    Settings.of(
                        Map.of("AWS_LAMBDA_FUNCTION_NAME", "tagger", "AUTOTAG_METRICS", "off")),
                    sink)
                .enabled())
        .isFalse();
    Metrics on = Metrics.from(Settings.of(Map.of("AUTOTAG_METRICS", "EMF")), sink);
    on.verdict("none");
    on.flush();
    assertThat(sink.documents().getFirst().namespace()).isEqualTo(Metrics.DEFAULT_NAMESPACE);
  }

  @Test
  void badModeAndNamespaceAreReportedAtStartUp() {
    Settings settings =
        Settings.of(Map.of("AUTOTAG_METRICS", "loud", "AUTOTAG_METRICS_NAMESPACE", "my space"));
    Metrics.from(settings, sink);
    assertThatThrownBy(settings::check)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AUTOTAG_METRICS must be auto, emf or off")
        .hasMessageContaining("AUTOTAG_METRICS_NAMESPACE");
  }
}
