package io.autotag.shared.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.autotag.shared.aws.AwsClients;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FallbackClassifierTest {

  /** A provider that fails with {@code reason} (or answers when null) and counts calls. */
  static final class Scripted implements Classifier {
    final String name;
    final FailureReason reason;
    final ProviderCapabilities capabilities;
    final AtomicInteger calls = new AtomicInteger();

    Scripted(String name, FailureReason reason, ProviderCapabilities capabilities) {
      this.name = name;
      this.reason = reason;
      this.capabilities = capabilities;
    }

    Scripted(String name, FailureReason reason) {
      this(name, reason, ProviderCapabilities.bytesOnly(1000, Set.of(ImageFormat.PNG)));
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public ProviderCapabilities capabilities() {
      return capabilities;
    }

    @Override
    public Classification classify(ImageInput image) throws ClassificationException {
      calls.incrementAndGet();
      if (reason != null) {
        throw new ClassificationException(reason, name + " failed");
      }
      return new Classification(
          name,
          "m",
          List.of(new Label(name + "-label", 0.9)),
          false,
          Optional.empty(),
          Duration.ZERO);
    }
  }

  private static final ImageInput IMAGE = ImageInput.Bytes.of(PrimingImage.png());

  @Test
  void theNextProviderAnswersWhenTheFirstFailsRetryably() throws Exception {
    Scripted first = new Scripted("roboflow", FailureReason.UNAVAILABLE);
    Scripted second = new Scripted("onnx", null);
    FallbackClassifier chain = FallbackClassifier.of(List.of(first, second));

    Classification result = chain.classify(IMAGE);

    assertThat(result.provider()).isEqualTo("onnx");
    assertThat(result.labels()).extracting(Label::name).containsExactly("onnx-label");
    assertThat(chain.name()).isEqualTo("roboflow+onnx");
    assertThat(first.calls).hasValue(1);
  }

  @Test
  void theFirstProviderAnswersWhenItCan() throws Exception {
    Scripted second = new Scripted("onnx", null);
    Classification result =
        FallbackClassifier.of(List.of(new Scripted("roboflow", null), second)).classify(IMAGE);
    assertThat(result.provider()).isEqualTo("roboflow");
    assertThat(second.calls).hasValue(0);
  }

  @Test
  void aFailureAboutTheImageStopsTheChain() {
    Scripted second = new Scripted("onnx", null);
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () ->
                FallbackClassifier.of(
                        List.of(new Scripted("roboflow", FailureReason.CORRUPT), second))
                    .classify(IMAGE));
    assertThat(thrown.reason()).isEqualTo(FailureReason.CORRUPT);
    assertThat(second.calls).hasValue(0);
  }

  @Test
  void badCredentialsFallThroughToo() throws Exception {
    Classification result =
        FallbackClassifier.of(
                List.of(
                    new Scripted("einstein", FailureReason.UNAUTHORIZED),
                    new Scripted("onnx", null)))
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
                            new Scripted("a", FailureReason.THROTTLED),
                            new Scripted("b", FailureReason.UNAUTHORIZED)))
                    .classify(IMAGE));
    assertThat(thrown.reason()).isEqualTo(FailureReason.THROTTLED);
    assertThat(thrown.getMessage())
        .isEqualTo("every provider failed: a: provider-throttled; b: provider-unauthorized");
    assertThat(thrown.getSuppressed()).hasSize(1);
  }

  @Test
  void capabilitiesAreWhatEveryMemberAccepts() {
    Scripted wide =
        new Scripted(
            "wide",
            null,
            new ProviderCapabilities(
                5000, true, true, 9000, Set.of(ImageFormat.PNG, ImageFormat.JPEG)));
    Scripted narrow =
        new Scripted(
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
    return new ClassifierFactory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Classifier create(Settings settings, AwsClients aws) {
        return new Scripted(name, reason);
      }
    };
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
    assertThat(registry.create(single, null)).isInstanceOf(Scripted.class);
  }

  @Test
  void anUnknownNameInTheChainIsAConfigurationProblem() {
    ProviderRegistry registry = ProviderRegistry.of(List.of(factory("onnx", null)));
    Settings settings = Settings.of(Map.of("AUTOTAG_PROVIDER", "nope,onnx"));
    assertThat(registry.create(settings, null)).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(settings::check)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AUTOTAG_PROVIDER");
  }
}
