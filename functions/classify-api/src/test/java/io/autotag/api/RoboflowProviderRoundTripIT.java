package io.autotag.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotag.local.LocalApiServer;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.roboflow.RoboflowClassifier;
import io.autotag.shared.provider.roboflow.RoboflowSettings;
import io.autotag.shared.secrets.Secrets;
import io.autotag.shared.testing.FakeClassifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * autotag's own Roboflow provider against autotag's Roboflow routes over real HTTP (the local
 * front): both sides of the contract agree on both routes, single- and multi-label, and every label
 * and the model's class list survive the round trip.
 */
class RoboflowProviderRoundTripIT {

  private static final List<Label> CLASSES =
      List.of(new Label("cat", 0.62), new Label("dog", 0.25), new Label("bird", 0.004));

  private final FakeClassifier scripted = TestApi.scripted("scripted");
  private LocalApiServer api;

  @BeforeEach
  void start() throws Exception {
    api =
        LocalApiServer.start(
            TestApi.handler(TestApi.env(), scripted),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            2);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private RoboflowClassifier provider(String route) {
    Settings settings =
        Settings.of(
            Map.of(
                "AUTOTAG_ROBOFLOW_BASE_URL",
                api.baseUri().toString(),
                "AUTOTAG_ROBOFLOW_MODEL",
                "flowers/3",
                "AUTOTAG_ROBOFLOW_API_KEY",
                TestApi.KEY,
                "AUTOTAG_ROBOFLOW_ROUTE",
                route,
                "AUTOTAG_PROVIDER_MAX_RETRIES",
                "0"));
    RoboflowSettings roboflow = RoboflowSettings.from(settings, Secrets.create(settings, null));
    settings.check();
    return RoboflowClassifier.create(roboflow);
  }

  @ParameterizedTest
  @CsvSource({"infer, false", "infer, true", "legacy, false", "legacy, true"})
  void everyLabelAndTheClassListSurviveTheRoundTrip(String route, boolean multiLabel)
      throws Exception {
    scripted.classes(CLASSES).multiLabel(multiLabel);
    Classification result = provider(route).classify(ImageInput.Bytes.of(TestApi.png(20, 10)));
    assertThat(result.multiLabel()).isEqualTo(multiLabel);
    assertThat(result.imageSize()).isNotNull();
    assertThat(result.imageSize().width()).isEqualTo(20);
    // "keep all": the infer route keeps even 0.4%; the legacy route's own floor is 1%
    List<String> expected =
        route.equals("infer") ? List.of("cat", "dog", "bird") : List.of("cat", "dog");
    assertThat(result.labels()).extracting(Label::name).containsExactlyElementsOf(expected);
    if (multiLabel) {
      assertThat(result.classes()).containsExactlyElementsOf(CLASSES);
    }
  }
}
