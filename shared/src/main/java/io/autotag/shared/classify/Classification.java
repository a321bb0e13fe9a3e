package io.autotag.shared.classify;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one result shape every provider answers with: labels sorted by confidence (highest first),
 * whether the model is multi-label, which provider and model answered, the image size ({@code null}
 * when the provider did not say) and how long the provider took.
 *
 * <p>For a single-label model the confidences usually sum to about 1; for a multi-label model (or a
 * detector used as a tagger) each confidence stands alone.
 *
 * <p>{@code classes} is the model's whole output when the provider knows it: every class in the
 * model's own order (a class's position is its id, as Roboflow's {@code class_id}), each with this
 * image's score. It is empty for providers that answer only their best labels (Rekognition,
 * Einstein); {@code labels} is what every consumer reads.
 */
public record Classification(
    String provider,
    String modelId,
    List<Label> labels,
    boolean multiLabel,
    ImageSize imageSize,
    Duration elapsed,
    List<Label> classes) {

  private static final Comparator<Label> BY_CONFIDENCE_DESCENDING =
      Comparator.comparingDouble(Label::confidence).reversed().thenComparing(Label::name);

  public Classification {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(elapsed, "elapsed");
    labels = labels.stream().sorted(BY_CONFIDENCE_DESCENDING).toList();
    classes = List.copyOf(classes);
  }

  /** A result without the model's class list (providers that answer their best labels only). */
  public Classification(
      String provider,
      String modelId,
      List<Label> labels,
      boolean multiLabel,
      ImageSize imageSize,
      Duration elapsed) {
    this(provider, modelId, labels, multiLabel, imageSize, elapsed, List.of());
  }

  /** The most confident label, if the provider returned any. */
  public Optional<Label> top() {
    return labels.isEmpty() ? Optional.empty() : Optional.of(labels.getFirst());
  }

  /** The top confidence, or 0 when there are no labels. */
  public double topConfidence() {
    return top().map(Label::confidence).orElse(0.0);
  }

  /** Labels whose confidence is at least {@code threshold}, still sorted. */
  public List<Label> labelsAtLeast(double threshold) {
    return labels.stream().filter(label -> label.confidence() >= threshold).toList();
  }

  /** A copy that records a different provider name, used by fallback chains. */
  public Classification withProvider(String answeringProvider) {
    return new Classification(
        answeringProvider, modelId, labels, multiLabel, imageSize, elapsed, classes);
  }
}
