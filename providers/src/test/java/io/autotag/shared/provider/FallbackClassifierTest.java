package io.autotag.shared.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.PrimingImage;
import io.autotag.shared.classify.ProviderCapabilities;
import io.autotag.shared.config.ConfigurationException;
import io.autotag.shared.config.Settings;
import io.autotag.shared.testing.FakeClassifier;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class FallbackClassifierTest {

  /** A provider that fails with {@code reason} (or answers {@code <name>-label} when null). */
  private static FakeClassifier scripted(
      String name, FailureReason reason, ProviderCapabilities capabilities) {
    FakeClassifier fake =
        new FakeClassifier(name)
            .defaultAnswer(new Label(name + "-label", 0.9))
            .capabilities(capabilities);
    return reason == null
        ? fake
        : fake.failing(new ClassificationException(reason, name + " failed"));
  }

  private static FakeClassifier scripted(String name, FailureReason reason) {
    return scripted(name, reason, ProviderCapabilities.bytesOnly(1000, Set.of(ImageFormat.PNG)));
  }

  private static final ImageInput IMAGE = ImageInput.Bytes.of(PrimingImage.png());

  @Test
  void theNextProviderAnswersWhenTheFirstFailsRetryably() throws Exception {
    FakeClassifier first = scripted("roboflow", FailureReason.UNAVAILABLE);
    FakeClassifier second = scripted("onnx", null);
    FallbackClassifier chain = FallbackClassifier.of(List.of(first, second));

    Classification result = chain.classify(IMAGE);

    assertThat(result.provider()).isEqualTo("onnx");
    assertThat(result.labels()).extracting(Label::name).containsExactly("onnx-label");
    assertThat(chain.name()).isEqualTo("roboflow+onnx");
    assertThat(first.calls()).isEqualTo(1);
  }

  @Test
  void theFirstProviderAnswersWhenItCan() throws Exception {
    FakeClassifier second = scripted("onnx", null);
    Classification result =
        FallbackClassifier.of(List.of(scripted("roboflow", null), second)).classify(IMAGE);
    assertThat(result.provider()).isEqualTo("roboflow");
    assertThat(second.calls()).isEqualTo(0);
  }

  @Test
  void aFailureAboutTheImageStopsTheChain() {
    FakeClassifier second = scripted("onnx", null);
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () ->
                FallbackClassifier.of(List.of(scripted("roboflow", FailureReason.CORRUPT), second))
                    .classify(IMAGE));
    assertThat(thrown.reason()).isEqualTo(FailureReason.CORRUPT);
    assertThat(second.calls()).isEqualTo(0);
  }

  @Test
  void badCredentialsFallThroughToo() throws Exception {
    Classification result =
        FallbackClassifier.of(
                List.of(scripted("einstein", FailureReason.UNAUTHORIZED), scripted("onnx", null)))
            .classify(IMAGE);
    assertThat(result.provider()).isEqualTo("onnx");
  }

  @Test
  void whenAllFailTheFailureIsRetryableIfAnyWasAndNamesEach() {
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () ->
                FallbackClassifier.of(
                        List.of(
                            scripted("a", FailureReason.THROTTLED),
                            scripted("b", FailureReason.UNAUTHORIZED)))
                    .classify(IMAGE));
    assertThat(thrown.reason()).isEqualTo(FailureReason.THROTTLED);
    assertThat(thrown.getMessage())
        .isEqualTo("every provider failed: a: provider-throttled; b: provider-unauthorized");
    assertThat(thrown.getSuppressed()).hasSize(1);
  }

  @Test
  void capabilitiesAreWhatEveryMemberAccepts() {
    FakeClassifier wide =
        scripted(
            "wide",
            null,
            new ProviderCapabilities(
                5000, true, true, 9000, Set.of(ImageFormat.PNG, ImageFormat.JPEG)));
    FakeClassifier narrow =
        scripted(
            "narrow",
            null,
            new ProviderCapabilities(
                3000, true, false, 4000, Set.of(ImageFormat.JPEG, ImageFormat.GIF)));
    ProviderCapabilities common = FallbackClassifier.of(List.of(wide, narrow)).capabilities();
    assertThat(common.maxBytes()).isEqualTo(3000);
    assertThat(common.acceptsUrl()).isTrue();
    assertThat(common.acceptsS3Reference()).isFalse();
    assertThat(common.maxReferenceBytes()).isEqualTo(4000);
    assertThat(common.formats()).containsExactly(ImageFormat.JPEG);
  }

  private static ClassifierFactory factory(String name, FailureReason reason) {
    return ClassifierFactory.returning(scripted(name, reason));
  }

  @Test
  void theRegistryBuildsAChainFromACommaList() throws Exception {
    ProviderRegistry registry =
        ProviderRegistry.of(
            List.of(factory("roboflow", FailureReason.UNAVAILABLE), factory("onnx", null)));
    Settings settings = Settings.of(Map.of("AUTOTAG_PROVIDER", "Roboflow, onnx"));
    Classifier classifier = registry.create(settings, null);
    settings.check();
    assertThat(classifier).isInstanceOf(FallbackClassifier.class);
    assertThat(classifier.classify(IMAGE).provider()).isEqualTo("onnx");

    Settings single = Settings.of(Map.of("AUTOTAG_PROVIDER", "onnx"));
    assertThat(registry.create(single, null)).isInstanceOf(FakeClassifier.class);
  }

  @Test
  void anUnknownNameInTheChainIsAConfigurationProblem() {
    ProviderRegistry registry = ProviderRegistry.of(List.of(factory("onnx", null)));
    Settings settings = Settings.of(Map.of("AUTOTAG_PROVIDER", "nope,onnx"));
    assertThat(registry.create(settings, null)).isNull();
    Assertions.assertThatThrownBy(settings::check)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AUTOTAG_PROVIDER");
  }
}
