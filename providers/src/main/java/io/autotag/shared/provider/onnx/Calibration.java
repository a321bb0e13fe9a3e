package io.autotag.shared.provider.onnx;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns a model's raw per-class score (for the bundled detector, the peak of a class's heatmap)
 * into a calibrated confidence: the probability, measured on labelled photos, that the label is
 * right. It lives in the model descriptor ({@code "calibration"} in {@code model.json}):
 *
 * <pre>{@code
 * "calibration": {"method": "platt",
 *                 "default": {"a": 1.9, "b": -0.6},
 *                 "groups": {"animal": {"classes": ["bird", "cat", "dog"], "a": 1.2, "b": -1.4},
 *                            "vehicle": {"classes": ["car", "bus"]}},
 *                 "classes": {"person": {"a": 2.4, "b": 0.5}}}
 * }</pre>
 *
 * <p>Platt scaling on the score's log-odds: {@code confidence = 1 / (1 + exp(-(a * logit(score) +
 * b)))}, with {@code a > 0} so a higher score never gives a lower confidence. A class uses the
 * first curve it has of: its own (listed under {@code classes}), its group's (the group under
 * {@code groups} that lists it, when that group has {@code a} and {@code b}; a group without them
 * only records membership), the {@code default} one. Groups let a family of classes that share a
 * failure mode (for the bundled model, COCO's {@code animal} supercategory: animals outside COCO
 * score high on its animal classes) get a curve of its own when no single class has enough examples
 * for one. A class may be in one group at most. A descriptor without a calibration (a user's own
 * model, say) keeps its raw scores: {@link #NONE} is the identity, clamped to 0..1. How the bundled
 * model's curves were fitted, and how well they hold on photos they were not fitted on: {@code
 * model/MODEL_CARD.md}.
 *
 * @param fallback the {@code default} curve; {@code null} only for {@link #NONE}
 * @param groups groups of classes by name, each with the classes it lists and its curve (or none)
 * @param classes classes with a curve of their own
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Calibration(Curve fallback, Map<String, Group> groups, Map<String, Curve> classes) {

  /** No calibration: the model's scores are reported as they are. */
  public static final Calibration NONE = new Calibration(null, Map.of(), Map.of());

  /** Scores are clamped away from 0 and 1 before taking log-odds, so both stay finite. */
  static final double EPSILON = 1e-6;

  public Calibration {
    // Sorted, so the descriptor's order never matters and a written calibration reads the same.
    groups = Collections.unmodifiableMap(new TreeMap<>(groups));
    classes = Collections.unmodifiableMap(new TreeMap<>(classes));
  }

  /** A calibration without groups: a default curve and per-class curves. */
  public Calibration(Curve fallback, Map<String, Curve> classes) {
    this(fallback, Map.of(), classes);
  }

  @JsonCreator
  static Calibration parse(
      @JsonProperty("method") String method,
      @JsonProperty("default") Curve fallback,
      @JsonProperty("groups") Map<String, Group> groups,
      @JsonProperty("classes") Map<String, Curve> classes) {
    if (method != null && !method.equals("platt")) {
      throw new IllegalArgumentException("calibration method must be platt");
    }
    if (fallback == null) {
      throw new IllegalArgumentException("calibration needs a default curve");
    }
    return new Calibration(
        fallback, groups == null ? Map.of() : groups, classes == null ? Map.of() : classes);
  }

  /** Whether this is {@link #NONE}. */
  public boolean isIdentity() {
    return fallback == null;
  }

  /** What is wrong with this calibration, empty when it is usable. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (fallback != null) {
      fallback.problem("calibration curve 'default'").ifPresent(problems::add);
    }
    Map<String, String> groupOf = new HashMap<>();
    groups.forEach(
        (name, group) -> {
          if (group == null || group.classes().isEmpty()) {
            problems.add("calibration group '" + name + "' lists no classes");
            return;
          }
          if (group.curve() != null) {
            group.curve().problem("calibration group '" + name + "'").ifPresent(problems::add);
          }
          for (String member : group.classes()) {
            String other = groupOf.putIfAbsent(member, name);
            if (name.equals(other)) {
              problems.add("calibration group '" + name + "' lists '" + member + "' twice");
            } else if (other != null) {
              problems.add(
                  "class '"
                      + member
                      + "' is in two calibration groups, '"
                      + other
                      + "' and '"
                      + name
                      + "': a class may be in one group at most");
            }
          }
        });
    classes.forEach(
        (name, curve) -> {
          if (curve == null) {
            problems.add("calibration curve '" + name + "' needs a and b");
          } else {
            curve.problem("calibration curve '" + name + "'").ifPresent(problems::add);
          }
        });
    return problems;
  }

  /**
   * The curves in the model's label order, ready for {@link #apply(Curve, double)}; {@code null}
   * entries mean identity.
   *
   * @throws IllegalArgumentException when a class the calibration names (under {@code classes} or
   *     in a group) is not among the labels
   */
  Curve[] forLabels(List<String> labels) {
    for (String name : classes.keySet()) {
      if (!labels.contains(name)) {
        throw new IllegalArgumentException(
            "the calibration names a class that is not in the labels: " + name);
      }
    }
    groups.forEach(
        (group, members) -> {
          for (String name : members.classes()) {
            if (!labels.contains(name)) {
              throw new IllegalArgumentException(
                  "calibration group '"
                      + group
                      + "' names a class that is not in the labels: "
                      + name);
            }
          }
        });
    Curve[] curves = new Curve[labels.size()];
    for (int i = 0; i < curves.length; i++) {
      curves[i] = curveFor(labels.get(i));
    }
    return curves;
  }

  /** The curve {@code label} uses: its own, else its group's, else the default ({@code null}). */
  public Curve curveFor(String label) {
    Curve own = classes.get(label);
    if (own != null) {
      return own;
    }
    for (Group group : groups.values()) {
      if (group.curve() != null && group.classes().contains(label)) {
        return group.curve();
      }
    }
    return fallback;
  }

  /** The calibrated confidence of {@code label} for a raw score. */
  public double confidence(String label, double score) {
    return apply(curveFor(label), score);
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
   * A group of classes ({@code {"classes": [...], "a": .., "b": ..}}) and its curve, which its
   * classes use unless they have their own.
   *
   * @param classes the class names it lists
   * @param curve its curve; {@code null} when the group only records membership (its classes then
   *     use the default curve)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Group(List<String> classes, Curve curve) {

    public Group {
      classes = List.copyOf(classes);
    }

    @JsonCreator
    static Group parse(
        @JsonProperty("classes") List<String> classes,
        @JsonProperty("a") Double a,
        @JsonProperty("b") Double b) {
      if (classes != null && classes.contains(null)) {
        throw new IllegalArgumentException("a calibration group lists a class that is not a name");
      }
      // Only one of a and b is a broken curve, reported by problems() with the group's name.
      Curve curve =
          a == null && b == null
              ? null
              : new Curve(a == null ? Double.NaN : a, b == null ? Double.NaN : b);
      return new Group(classes == null ? List.of() : classes, curve);
    }
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

    /** What is wrong with this curve, named {@code what} in the message; empty when usable. */
    Optional<String> problem(String what) {
      if (!(a > 0) || !Double.isFinite(a) || !Double.isFinite(b)) {
        return Optional.of(what + " needs a finite a > 0 and a finite b");
      }
      return Optional.empty();
    }
  }
}
