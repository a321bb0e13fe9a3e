package io.autotag.shared.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.autotag.shared.provider.http.ContractServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every {@link Classifier} passes, hosted or embedded: labels sorted by confidence,
 * confidences in 0..1 whatever the provider's scale, the multi-label flag, the provider and model
 * named, failures mapped to the right {@link FailureReason} (permanent or retryable), and safe
 * concurrent use. A provider's test extends this class and wires {@link #classifier()} to a server
 * (or model) whose answers it can script; what a provider cannot script it declines, and those
 * tests are skipped for it rather than weakened for everyone.
 */
public abstract class ClassifierContract {

  /** Failures a scripted provider can be made to answer, and the reason each must map to. */
  public enum ScriptedFailure {
    MODEL_NOT_FOUND(FailureReason.REJECTED),
    UNAUTHORIZED(FailureReason.UNAUTHORIZED),
    THROTTLED(FailureReason.THROTTLED),
    UNAVAILABLE(FailureReason.UNAVAILABLE);

    private final FailureReason reason;

    ScriptedFailure(FailureReason reason) {
      this.reason = reason;
    }

    public FailureReason reason() {
      return reason;
    }
  }

  /**
   * The classifier under test. Called after any {@code script...} call of a test; it should retry
   * little and back off briefly, so failure tests stay fast.
   */
  protected abstract Classifier classifier();

  /**
   * The local server that plays a hosted provider, which the contract scripts; empty (the default)
   * for an embedded model, whose answers cannot be scripted: those tests are skipped for it.
   */
  protected Optional<ContractServer> server() {
    return Optional.empty();
  }

  /**
   * Makes the classifier answer {@code labels} (given on the 0..1 scale, in no particular order) as
   * the provider would send them. Returns false when the provider cannot be scripted.
   */
  protected boolean scriptAnswer(List<Label> labels, boolean multiLabel) {
    server().ifPresent(server -> server.answer(labels, multiLabel));
    return server().isPresent();
  }

  /** Makes the classifier's calls fail this way; returns false when that cannot be produced. */
  protected boolean scriptFailure(ScriptedFailure failure) {
    server().ifPresent(server -> server.fail(ContractServer.Failure.valueOf(failure.name())));
    return server().isPresent();
  }

  /** An image the classifier accepts. */
  protected ImageInput image() {
    return ImageInput.Bytes.of(PrimingImage.png());
  }

  /** Which multi-label flags the provider can answer with. */
  protected List<Boolean> multiLabelModes() {
    return List.of(false, true);
  }

  /** Strings that must never appear in an exception message: keys, tokens. */
  protected List<String> secrets() {
    return List.of();
  }

  @Test
  void labelsAreSortedByConfidenceHighestFirst() throws Exception {
    boolean scripted =
        scriptAnswer(
            List.of(
                new Label("alpha", 0.2),
                new Label("bravo", 0.9),
                new Label("delta", 0.55),
                new Label("charlie", 0.6)),
            multiLabelModes().getFirst());
    Classification result = classifier().classify(image());
    List<Double> confidences = result.labels().stream().map(Label::confidence).toList();
    assertThat(confidences).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    if (scripted) {
      assertThat(result.labels())
          .extracting(Label::name)
          .containsExactly("bravo", "charlie", "delta", "alpha");
    }
  }

  @Test
  void confidencesAreNormalisedToZeroToOne() throws Exception {
    boolean scripted =
        scriptAnswer(
            List.of(new Label("sure", 1.0), new Label("likely", 0.975), new Label("maybe", 0.5)),
            multiLabelModes().getLast());
    Classification result = classifier().classify(image());
    assertThat(result.labels())
        .allSatisfy(label -> assertThat(label.confidence()).isBetween(0.0, 1.0));
    if (scripted) {
      assertThat(result.labels()).hasSize(3);
      assertThat(result.labels().get(0).confidence()).isCloseTo(1.0, within(1e-4));
      assertThat(result.labels().get(1).confidence()).isCloseTo(0.975, within(1e-4));
      assertThat(result.labels().get(2).confidence()).isCloseTo(0.5, within(1e-4));
    }
  }

  @Test
  void multiLabelFlagFollowsTheModel() throws Exception {
    for (boolean multiLabel : multiLabelModes()) {
      boolean scripted =
          scriptAnswer(List.of(new Label("cat", 0.8), new Label("dog", 0.7)), multiLabel);
      assumeTrue(scripted, "the provider cannot be scripted");
      Classification result = classifier().classify(image());
      assertThat(result.multiLabel()).as("multi-label " + multiLabel).isEqualTo(multiLabel);
      assertThat(result.labels()).extracting(Label::name).containsExactly("cat", "dog");
    }
  }

  @Test
  void resultNamesTheProviderAndModel() throws Exception {
    scriptAnswer(List.of(new Label("cat", 0.8)), multiLabelModes().getFirst());
    Classifier classifier = classifier();
    Classification result = classifier.classify(image());
    assertThat(classifier.name()).isNotBlank().doesNotContain(",");
    assertThat(result.provider()).isEqualTo(classifier.name());
    assertThat(result.modelId()).isNotBlank();
    assertThat(result.elapsed().isNegative()).isFalse();
  }

  @Test
  void anEmptyAnswerGivesNoLabels() throws Exception {
    assumeTrue(scriptAnswer(List.of(), multiLabelModes().getFirst()), "not scriptable");
    Classification result = classifier().classify(image());
    assertThat(result.labels()).isEmpty();
    assertThat(result.top()).isEmpty();
  }

  @Test
  void capabilitiesAcceptTheSampleImage() {
    ProviderCapabilities capabilities = classifier().capabilities();
    assertThat(capabilities.maxBytes()).isPositive();
    assertThat(capabilities.formats()).isNotEmpty();
    image().format().ifPresent(format -> assertThat(capabilities.accepts(format)).isTrue());
    if (capabilities.acceptsUrl() || capabilities.acceptsS3Reference()) {
      assertThat(capabilities.maxReferenceBytes()).isPositive();
    }
  }

  @ParameterizedTest
  @EnumSource(ScriptedFailure.class)
  void failuresMapToTheirReason(ScriptedFailure failure) {
    assumeTrue(scriptFailure(failure), "the provider cannot produce " + failure);
    ClassificationException thrown =
        catchThrowableOfType(ClassificationException.class, () -> classifier().classify(image()));
    assertThat(thrown).as("classify must fail").isNotNull();
    assertThat(thrown.reason()).isEqualTo(failure.reason());
    assertThat(thrown.retryable()).isEqualTo(failure.reason().retryable());
    for (String secret : secrets()) {
      assertThat(thrown.getMessage()).doesNotContain(secret);
    }
  }

  @Test
  void concurrentCallsAllAnswer() throws Exception {
    scriptAnswer(
        List.of(new Label("cat", 0.8), new Label("dog", 0.1)), multiLabelModes().getFirst());
    Classifier classifier = classifier();
    Classification expected = classifier.classify(image());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Classification>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(() -> classifier.classify(image())));
      }
      for (Future<Classification> result : results) {
        assertThat(result.get().labels()).isEqualTo(expected.labels());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
