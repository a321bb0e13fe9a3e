package io.autotag.tagger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotag.shared.config.ConfigurationException;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaggerConfigTest {

  @Test
  void namesEveryBadVariableInOneError() {
    Map<String, String> env =
        Map.of(
            "AUTOTAG_REVIEW_THRESHOLD", "high",
            "AUTOTAG_CONCURRENCY", "0",
            "AUTOTAG_TAG_PREFIX", "aws:x",
            "AWS_ENDPOINT_URL_S3", "not a url");

    assertThatThrownBy(
            () ->
                TaggerWiring.create(
                    env, ProviderRegistry.builtIn(), LocalAws::clients, Clock.systemUTC()))
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e ->
                assertThat(e.getMessage())
                    .contains(
                        "AWS_REGION",
                        "AWS_ENDPOINT_URL_S3",
                        "AUTOTAG_TAG_PREFIX",
                        "AUTOTAG_REVIEW_THRESHOLD",
                        "AUTOTAG_CONCURRENCY",
                        "AUTOTAG_REVIEW_QUEUE_URL"));
  }

  @Test
  void unknownProviderIsAConfigurationError() {
    Map<String, String> env =
        Map.of(
            "AWS_REGION", "eu-west-1",
            "AUTOTAG_REVIEW_QUEUE_URL", "http://127.0.0.1:1/q",
            "AUTOTAG_PROVIDER", "clairvoyant");

    assertThatThrownBy(
            () ->
                TaggerWiring.create(
                    env,
                    ProviderRegistry.builtIn().with(new FakeClassifier()),
                    LocalAws::clients,
                    Clock.systemUTC()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AUTOTAG_PROVIDER")
        .hasMessageContaining("fake");
  }

  /** The provider's variables are named in the same error, before any provider is built. */
  @Test
  void providerVariablesAreNamedWithTheRest() {
    Map<String, String> env =
        Map.of(
            "AWS_REGION", "eu-west-1",
            "AUTOTAG_REVIEW_QUEUE_URL", "https://q",
            "AUTOTAG_REVIEW_THRESHOLD", "high",
            "AUTOTAG_PROVIDER", "roboflow");

    assertThatThrownBy(
            () ->
                TaggerWiring.create(
                    env, ProviderRegistry.builtIn(), LocalAws::clients, Clock.systemUTC()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AUTOTAG_REVIEW_THRESHOLD")
        .hasMessageContaining("AUTOTAG_ROBOFLOW_MODEL")
        .hasMessageContaining("AUTOTAG_ROBOFLOW_API_KEY");
  }

  @Test
  void defaultsAreSensible() {
    TaggerConfig config =
        TaggerConfig.from(
            Settings.of(
                Map.of("AWS_REGION", "eu-west-1", "AUTOTAG_REVIEW_QUEUE_URL", "https://q")));

    // Chosen for the embedded model's calibrated confidence (model/MODEL_CARD.md, Quality).
    assertThat(config.pipeline().reviewThreshold()).isEqualTo(0.88);
    assertThat(config.schema().labelThreshold()).isEqualTo(0.77);
    assertThat(config.pipeline().concurrency()).isEqualTo(8);
    assertThat(config.schema().prefix()).isEqualTo("autotag:");
    assertThat(config.aws().s3PathStyle()).isFalse();
    assertThat(config.maxReceiveCount()).isEqualTo(3);
  }
}
