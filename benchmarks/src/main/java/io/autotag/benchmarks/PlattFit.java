package io.autotag.benchmarks;

import io.autotag.shared.provider.onnx.Calibration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fits a Platt curve ({@code sigmoid(a * logit(score) + b)}, the form {@link Calibration} applies)
 * to labelled scores by Newton's method on the log-likelihood, with an L2 pull towards a prior
 * curve: weak for the default curve, stronger for a per-class curve (pulled towards the default, so
 * a class with few examples stays close to it). Targets use Platt's smoothing ({@code (N+ + 1)/(N+
 * + 2)} and {@code 1/(N- + 2)}) so a perfectly separated set does not drive the slope to infinity.
 *
 * <p>Degenerate input: no examples is an error. Examples that are all right (or all wrong), one
 * example included, have nothing to separate: the fit flattens towards the smoothed target ({@code
 * (N+ + 1)/(N+ + 2)}, or {@code 1/(N- + 2)}), held back only by the pull towards the prior. A curve
 * is never decreasing: a fitted slope below {@link #MIN_SLOPE} (scores that are more often wrong
 * the higher they are) is raised to it.
 *
 * <p>{@link #calibration} fits a whole {@link Calibration} hierarchically: a default curve on every
 * example, a curve per group of classes (COCO's supercategories for the bundled model) pulled
 * towards the default, and a curve per class pulled towards its group's curve (or the default, when
 * its group has none); a group or class gets a curve only when it has at least the given number of
 * right and of wrong examples. Which levels are fitted is a {@link Scope}, chosen by
 * cross-validation in {@link ModelEvaluation}.
 */
final class PlattFit {

  /** One labelled example: a raw score and whether the label was right. */
  record Example(double score, boolean right) {}

  /** The lowest slope a fitted curve gets: a higher score never gives a lower confidence. */
  static final double MIN_SLOPE = 0.05;

  private PlattFit() {}

  /**
   * The curve that maximises the likelihood of {@code examples} minus {@code pull / 2} times the
   * squared distance of (a, b) from {@code prior}.
   *
   * @throws IllegalArgumentException when there are no examples, a score is not in [0, 1] or the
   *     pull is negative
   */
  static Calibration.Curve fit(List<Example> examples, Calibration.Curve prior, double pull) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("no examples to fit a calibration curve on");
    }
    if (!(pull >= 0) || Double.isInfinite(pull)) {
      throw new IllegalArgumentException("the pull towards the prior must be >= 0, got " + pull);
    }
    for (Example e : examples) {
      if (!(e.score() >= 0 && e.score() <= 1)) {
        throw new IllegalArgumentException("a score must be between 0 and 1, got " + e.score());
      }
    }
    int positives = (int) examples.stream().filter(Example::right).count();
    int negatives = examples.size() - positives;
    double hi = (positives + 1.0) / (positives + 2.0);
    double lo = 1.0 / (negatives + 2.0);
    double[] x = new double[examples.size()];
    double[] t = new double[examples.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = logit(examples.get(i).score());
      t[i] = examples.get(i).right() ? hi : lo;
    }
    double a = prior.a();
    double b = prior.b();
    double loss = loss(x, t, a, b, prior, pull);
    for (int iteration = 0; iteration < 100; iteration++) {
      double ga = pull * (a - prior.a());
      double gb = pull * (b - prior.b());
      double haa = pull;
      double hab = 0;
      double hbb = pull;
      for (int i = 0; i < x.length; i++) {
        double p = sigmoid(a * x[i] + b);
        double w = Math.max(p * (1 - p), 1e-12);
        ga += (p - t[i]) * x[i];
        gb += p - t[i];
        haa += w * x[i] * x[i];
        hab += w * x[i];
        hbb += w;
      }
      double det = haa * hbb - hab * hab;
      if (!(Math.abs(det) > 1e-15)) {
        break;
      }
      double da = (hbb * ga - hab * gb) / det;
      double db = (haa * gb - hab * ga) / det;
      double step = 1.0;
      double next = Double.POSITIVE_INFINITY;
      while (step > 1e-6) {
        next = loss(x, t, a - step * da, b - step * db, prior, pull);
        if (next <= loss) {
          break;
        }
        step /= 2;
      }
      if (next > loss) {
        break;
      }
      a -= step * da;
      b -= step * db;
      boolean converged = loss - next < 1e-10;
      loss = next;
      if (converged) {
        break;
      }
    }
    // A curve must never lower the confidence of a higher score.
    return new Calibration.Curve(Math.max(a, MIN_SLOPE), b);
  }

  /** The levels of curves a calibration has beyond its default curve. */
  enum Scope {
    DEFAULT_ONLY("default only", false, false),
    PER_CLASS("default + per-class", false, true),
    GROUPS("default + groups", true, false),
    GROUPS_PER_CLASS("default + groups + per-class", true, true);

    final String description;
    final boolean groups;
    final boolean perClass;

    Scope(String description, boolean groups, boolean perClass) {
      this.description = description;
      this.groups = groups;
      this.perClass = perClass;
    }
  }

  /**
   * A hierarchical calibration: the default curve fitted on every example (a weak pull towards the
   * identity); with {@code scope.groups}, a curve for each group with at least {@code minimum}
   * right and {@code minimum} wrong examples among its classes, pulled towards the default with
   * {@code pull}; with {@code scope.perClass}, a curve for each class with that many of its own,
   * pulled with {@code pull} towards its group's curve, or the default one when its group has none.
   * Every group keeps its membership in the result, with or without a curve, so the calibration
   * written out still says which classes belong together.
   *
   * @param byClass each class's examples
   * @param groups each group's classes
   * @throws IllegalArgumentException when there are no examples at all
   */
  static Calibration calibration(
      Map<String, List<Example>> byClass,
      Map<String, List<String>> groups,
      Scope scope,
      int minimum,
      double pull) {
    List<Example> all = new ArrayList<>();
    byClass.values().forEach(all::addAll);
    Calibration.Curve fallback = fit(all, new Calibration.Curve(1.0, 0.0), 1e-3);
    Map<String, Calibration.Group> fittedGroups = new LinkedHashMap<>();
    Map<String, Calibration.Curve> priorOf = new TreeMap<>();
    groups.forEach(
        (name, members) -> {
          List<Example> examples = new ArrayList<>();
          for (String member : members) {
            examples.addAll(byClass.getOrDefault(member, List.of()));
          }
          Calibration.Curve curve =
              scope.groups && enough(examples, minimum) ? fit(examples, fallback, pull) : null;
          fittedGroups.put(name, new Calibration.Group(members, curve));
          for (String member : members) {
            priorOf.put(member, curve == null ? fallback : curve);
          }
        });
    Map<String, Calibration.Curve> classes = new TreeMap<>();
    if (scope.perClass) {
      byClass.forEach(
          (name, examples) -> {
            if (enough(examples, minimum)) {
              classes.put(name, fit(examples, priorOf.getOrDefault(name, fallback), pull));
            }
          });
    }
    return new Calibration(fallback, fittedGroups, classes);
  }

  /** Whether examples hold at least {@code minimum} right and {@code minimum} wrong ones. */
  static boolean enough(List<Example> examples, int minimum) {
    long right = examples.stream().filter(Example::right).count();
    return right >= minimum && examples.size() - right >= minimum;
  }

  /** Mean log-loss of a curve on examples (lower is better). */
  static double logLoss(Calibration.Curve curve, List<Example> examples) {
    double sum = 0;
    for (Example e : examples) {
      double p = Math.min(1 - 1e-9, Math.max(1e-9, apply(curve, e.score())));
      sum -= e.right() ? Math.log(p) : Math.log(1 - p);
    }
    return sum / Math.max(1, examples.size());
  }

  static double apply(Calibration.Curve curve, double score) {
    return new Calibration(curve, java.util.Map.of()).confidence("", score);
  }

  private static double loss(
      double[] x, double[] t, double a, double b, Calibration.Curve prior, double pull) {
    double sum = pull / 2 * ((a - prior.a()) * (a - prior.a()) + (b - prior.b()) * (b - prior.b()));
    for (int i = 0; i < x.length; i++) {
      double z = a * x[i] + b;
      // log(1 + e^z) - t z, written to stay finite for large |z|
      sum += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - t[i] * z;
    }
    return sum;
  }

  static double logit(double score) {
    double s = Math.min(1 - 1e-6, Math.max(1e-6, score));
    return Math.log(s / (1 - s));
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }
}
