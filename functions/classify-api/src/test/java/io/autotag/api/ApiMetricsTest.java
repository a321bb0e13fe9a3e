package io.autotag.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.provider.ClassifierFactory;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.CapturedMetrics;
import io.autotag.shared.testing.FakeClassifier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The API's metrics through the real handler and the real EMF library, its sink captured (every
 * line checked against the EMF specification): requests by route pattern and status class, the
 * provider's calls, nothing from SnapStart priming, and never the caller's own path or key.
 */
class ApiMetricsTest {

  final CapturedMetrics sink = new CapturedMetrics();
  final FakeClassifier classifier = TestApi.scripted("scripted");

  @Test
  void requestsAreCountedByRoutePatternAndStatusClassAndPrimingByNothing() {
    try (ApiWiring wiring =
        ApiWiring.create(
            TestApi.env("AUTOTAG_METRICS", "emf", "AUTOTAG_PRIMING", "true"),
            ProviderRegistry.of(List.of(ClassifierFactory.returning(classifier))),
            settings ->
                AwsClients.create(
                    settings,
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))),
            sink)) {
      assertThat(wiring.priming().prime()).isTrue();
      assertThat(sink.lines()).as("nothing emitted before the snapshot").isEmpty();

      ApiHandler handler = new ApiHandler(wiring);
      byte[] image = TestApi.jpeg(64, 48);
      TestApi.invoke(
          handler,
          TestApi.v2(
              "POST", "/classify", "", TestApi.withKey("content-type", "image/jpeg"), image, true));
      TestApi.invoke(
          handler,
          TestApi.v2("POST", "/classify", "", Map.of("content-type", "image/jpeg"), image, true));
      TestApi.invoke(
          handler,
          TestApi.v2(
              "POST",
              "/my-secret-dataset/3",
              "api_key=" + TestApi.KEY,
              Map.of("content-type", "image/jpeg"),
              image,
              true));
    }

    assertThat(sink.sum("Requests", Map.of("Route", "/classify", "StatusClass", "2xx")))
        .isEqualTo(1);
    assertThat(sink.sum("Requests", Map.of("Route", "/classify", "StatusClass", "4xx")))
        .isEqualTo(1);
    assertThat(sink.sum("Requests", Map.of("Route", Router.LEGACY_ROUTE))).isEqualTo(1);
    assertThat(sink.find("RequestLatency", Map.of("Route", "/classify")))
        .allSatisfy(d -> assertThat(d.units()).containsEntry("RequestLatency", "Milliseconds"));
    assertThat(sink.sum("ClassifyCalls", Map.of("Provider", "scripted"))).isGreaterThanOrEqualTo(1);
    assertThat(sink.sum("ClassifyErrors", Map.of())).isZero();
    assertThat(String.join("\n", sink.lines()))
        .doesNotContain("my-secret-dataset", TestApi.KEY, "priming");
  }
}
