package io.autotag.shared.provider.onnx;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a model's raw per-class score (for the bundled detector, the peak of a class's heatmap)
 * into a calibrated confidence: the probability, measured on labelled photos, that the label is
 * right. It lives in the model descriptor ({@code "calibration"} in {@code model.json}):
 *
 * <pre>{@code
 * "calibration": {"method": "platt",
 *                 "default": {"a": 1.9, "b": -0.6},
 *                 "classes": {"person": {"a": 2.4, "b": 0.5}}}
 * }</pre>
 *
 * <p>Platt scaling on the score's log-odds: {@code confidence = 1 / (1 + exp(-(a * logit(score) +
 * b)))}, with {@code a > 0} so a higher score never gives a lower confidence. A class listed under
 * {@code classes} uses its own curve, every other class the {@code default} one. A descriptor
 * without a calibration (a user's own model, say) keeps its raw scores: {@link #NONE} is the
 * identity, clamped to 0..1. How the bundled model's curves were fitted, and how well they hold on
 * photos they were not fitted on: {@code model/MODEL_CARD.md}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Calibration(Curve fallback, Map<String, Curve> classes) {

  /** No calibration: the model's scores are reported as they are. */
  public static final Calibration NONE = new Calibration(null, Map.of());

  /** Scores are clamped away from 0 and 1 before taking log-odds, so both stay finite. */
  static final double EPSILON = 1e-6;

  public Calibration {
    classes = Map.copyOf(classes);
  }

  @JsonCreator
  static Calibration parse(
      @JsonProperty("method") String method,
      @JsonProperty("default") Curve fallback,
      @JsonProperty("classes") Map<String, Curve> classes) {
    if (method != null && !method.equals("platt")) {
      throw new IllegalArgumentException("calibration method must be platt");
    }
    if (fallback == null) {
      throw new IllegalArgumentException("calibration needs a default curve");
    }
    return new Calibration(fallback, classes == null ? Map.of() : new LinkedHashMap<>(classes));
  }

  /** Whether this is {@link #NONE}. */
  public boolean isIdentity() {
    return fallback == null;
  }

  /** What is wrong with this calibration, empty when it is usable. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (fallback != null) {
      fallback.problem("default").ifPresent(problems::add);
    }
    classes.forEach((name, curve) -> curve.problem(name).ifPresent(problems::add));
    return problems;
  }

  /**
   * The curves in the model's label order, ready for {@link #apply(Curve, double)}; {@code null}
   * entries mean identity.
   *
   * @throws IllegalArgumentException when a class the calibration names is not among the labels
   */
  Curve[] forLabels(List<String> labels) {
    for (String name : classes.keySet()) {
      if (!labels.contains(name)) {
        throw new IllegalArgumentException(
            "the calibration names a class that is not in the labels: " + name);
      }
    }
    Curve[] curves = new Curve[labels.size()];
    for (int i = 0; i < curves.length; i++) {
      curves[i] = classes.getOrDefault(labels.get(i), fallback);
    }
    return curves;
  }

  /** The calibrated confidence of {@code label} for a raw score. */
  public double confidence(String label, double score) {
    return apply(classes.getOrDefault(label, fallback), score);
  }

  /** Applies one curve ({@code null}: identity) to a raw score; the result is in 0..1. */
  static double apply(Curve curve, double score) {
    if (Double.isNaN(score)) {
      return 0.0;
    }
    double s = Math.min(1.0, Math.max(0.0, score));
    if (curve == null) {
      return s;
    }
    double clamped = Math.min(1.0 - EPSILON, Math.max(EPSILON, s));
    double logit = Math.log(clamped / (1.0 - clamped));
    return 1.0 / (1.0 + Math.exp(-(curve.a() * logit + curve.b())));
  }

  /**
   * One Platt curve: {@code sigmoid(a * logit(score) + b)}.
   *
   * @param a slope on the log-odds, positive (a higher score never lowers the confidence)
   * @param b offset on the log-odds
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Curve(double a, double b) {

    @JsonCreator
    public Curve(@JsonProperty("a") Double a, @JsonProperty("b") Double b) {
      this(
          Objects.requireNonNull(a, "a calibration curve needs a").doubleValue(),
          Objects.requireNonNull(b, "a calibration curve needs b").doubleValue());
    }

    Optional<String> problem(String name) {
      if (!(a > 0) || !Double.isFinite(a) || !Double.isFinite(b)) {
        return Optional.of("calibration curve '" + name + "' needs a finite a > 0 and a finite b");
      }
      return Optional.empty();
    }
  }
}
