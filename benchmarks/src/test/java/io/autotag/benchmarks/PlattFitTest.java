package io.autotag.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.autotag.shared.provider.onnx.Calibration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Platt fit that calibrates the embedded model ({@link ModelEvaluation}): it recovers a known
 * curve, stays finite on separable data, has a defined answer for degenerate input, and fits group
 * and per-class curves only where there are examples enough for them, each pulled towards the level
 * above it.
 */
class PlattFitTest {

  private static final Calibration.Curve IDENTITY = new Calibration.Curve(1.0, 0.0);

  /** A raw score whose log-odds is {@code x}, as the model's heatmap peak would be. */
  private static double score(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** Examples drawn from the curve {@code P(right) = sigmoid(a * logit(score) + b)}. */
  private static List<PlattFit.Example> drawn(double a, double b, int n, long seed) {
    Random random = new Random(seed);
    List<PlattFit.Example> examples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = -5 + 10 * random.nextDouble();
      examples.add(new PlattFit.Example(score(x), random.nextDouble() < score(a * x + b)));
    }
    return examples;
  }

  @Test
  void examplesDrawnFromAKnownCurveGiveThatCurveBack() {
    for (double[] truth : new double[][] {{2.2, -0.05}, {0.6, 1.3}, {1.0, -2.0}}) {
      List<PlattFit.Example> examples = drawn(truth[0], truth[1], 20_000, 14);

      Calibration.Curve fitted = PlattFit.fit(examples, IDENTITY, 1e-3);

      // 20,000 examples: the maximum-likelihood estimate is within a few hundredths.
      assertThat(fitted.a()).as("slope for %s", truth[0]).isCloseTo(truth[0], within(0.08));
      assertThat(fitted.b()).as("intercept for %s", truth[1]).isCloseTo(truth[1], within(0.08));
      // And it fits them better than the curve it started from.
      assertThat(PlattFit.logLoss(fitted, examples))
          .isLessThan(PlattFit.logLoss(IDENTITY, examples));
    }
  }

  @Test
  void perfectlySeparatedExamplesGiveAFiniteSteepCurve() {
    List<PlattFit.Example> examples = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      examples.add(new PlattFit.Example(0.6 + 0.3 * i / 50, true));
      examples.add(new PlattFit.Example(0.05 + 0.3 * i / 50, false));
    }

    Calibration.Curve fitted = PlattFit.fit(examples, IDENTITY, 0);

    // Without Platt's smoothed targets the slope would grow without bound.
    assertThat(fitted.a()).isFinite().isGreaterThan(1).isLessThan(100);
    assertThat(fitted.b()).isFinite();
    assertThat(PlattFit.apply(fitted, 0.95)).isGreaterThan(0.9).isLessThan(1);
    assertThat(PlattFit.apply(fitted, 0.1)).isLessThan(0.1).isGreaterThan(0);
  }

  @Test
  void examplesThatAreAllRightFlattenTowardsTheSmoothedTarget() {
    List<PlattFit.Example> examples = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      examples.add(new PlattFit.Example(0.2 + 0.6 * i / 40, true));
    }

    Calibration.Curve fitted = PlattFit.fit(examples, IDENTITY, 1e-3);

    // Nothing to separate: every score in the range seen maps close to (40 + 1) / (40 + 2).
    double target = 41.0 / 42;
    assertThat(fitted.a()).isFinite().isLessThan(0.5);
    assertThat(PlattFit.apply(fitted, 0.2)).isCloseTo(target, within(0.02));
    assertThat(PlattFit.apply(fitted, 0.8)).isCloseTo(target, within(0.02));
  }

  @Test
  void examplesThatAreAllWrongFlattenTowardsTheSmoothedTarget() {
    List<PlattFit.Example> examples = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      examples.add(new PlattFit.Example(0.2 + 0.6 * i / 40, false));
    }

    Calibration.Curve fitted = PlattFit.fit(examples, IDENTITY, 1e-3);

    double target = 1.0 / 42;
    assertThat(PlattFit.apply(fitted, 0.2)).isCloseTo(target, within(0.02));
    assertThat(PlattFit.apply(fitted, 0.8)).isCloseTo(target, within(0.02));
  }

  @Test
  void oneExampleGivesAFiniteIncreasingCurve() {
    Calibration.Curve fitted =
        PlattFit.fit(List.of(new PlattFit.Example(0.7, true)), IDENTITY, 1e-3);

    assertThat(fitted.a()).isFinite().isGreaterThanOrEqualTo(PlattFit.MIN_SLOPE);
    assertThat(fitted.b()).isFinite();
    // Platt's target for one right example is 2/3: the fit goes there, not to certainty.
    assertThat(PlattFit.apply(fitted, 0.7)).isCloseTo(2.0 / 3, within(0.01));
  }

  @Test
  void scoresThatAreWrongMoreOftenTheHigherTheyAreNeverGiveADecreasingCurve() {
    List<PlattFit.Example> examples = drawn(-1.5, 0, 2_000, 7);

    Calibration.Curve fitted = PlattFit.fit(examples, IDENTITY, 1e-3);

    assertThat(fitted.a()).isEqualTo(PlattFit.MIN_SLOPE);
    assertThat(PlattFit.apply(fitted, 0.9)).isGreaterThan(PlattFit.apply(fitted, 0.1));
  }

  @Test
  void aStrongPullKeepsAFewExamplesCloseToThePrior() {
    // How a class with few examples gets its own curve: pulled towards the default one.
    Calibration.Curve prior = new Calibration.Curve(2.2, -0.05);
    List<PlattFit.Example> few = drawn(0.5, 2.0, 10, 3);

    Calibration.Curve loose = PlattFit.fit(few, prior, 1e-3);
    Calibration.Curve pulled = PlattFit.fit(few, prior, 1e4);

    assertThat(pulled.a()).isCloseTo(prior.a(), within(0.01));
    assertThat(pulled.b()).isCloseTo(prior.b(), within(0.01));
    assertThat(Math.abs(loose.b() - prior.b())).isGreaterThan(Math.abs(pulled.b() - prior.b()));
  }

  // ---------------------------------------------------------------- hierarchical calibration

  private static final List<String> ANIMALS =
      List.of(
          "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe");

  private static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();

  static {
    GROUPS.put("person", List.of("person"));
    GROUPS.put("animal", ANIMALS);
    GROUPS.put("food", List.of("apple", "orange"));
    GROUPS.put("vehicle", List.of("car", "bus"));
  }

  /**
   * Examples where a raw score means different things per group, as for the bundled model: a person
   * score is trustworthy; an animal score is worth much less (animals outside COCO land on COCO's
   * animal classes), P(right) = sigmoid(logit - 2.5); a food score more than the default says. Each
   * animal class has too few examples for a curve of its own, the animal group plenty; vehicles are
   * too few even as a group.
   */
  private static Map<String, List<PlattFit.Example>> byClass() {
    Map<String, List<PlattFit.Example>> byClass = new LinkedHashMap<>();
    byClass.put("person", drawn(2.0, 1.0, 400, 1));
    for (int i = 0; i < ANIMALS.size(); i++) {
      byClass.put(ANIMALS.get(i), drawn(1.0, -2.5, 14, 100 + i));
    }
    byClass.put("apple", drawn(1.5, 1.5, 150, 6));
    byClass.put("orange", drawn(1.5, 1.5, 150, 7));
    byClass.put("car", List.of(new PlattFit.Example(0.9, true), new PlattFit.Example(0.2, false)));
    byClass.put("kite", drawn(1.5, -1.0, 200, 8)); // in no group
    return byClass;
  }

  @Test
  void aGroupWhoseScoresAreWorthLessGetsALowerCurveAndOneWhoseAreWorthMoreAHigherOne() {
    Map<String, List<PlattFit.Example>> byClass = byClass();
    for (String animal : ANIMALS) {
      assertThat(PlattFit.enough(byClass.get(animal), 8)).as(animal).isFalse();
    }

    Calibration c = PlattFit.calibration(byClass, GROUPS, PlattFit.Scope.GROUPS, 8, 2.0);

    Calibration.Curve animal = c.groups().get("animal").curve();
    assertThat(animal).isNotNull();
    assertThat(c.groups().get("food").curve()).isNotNull();
    assertThat(c.classes()).isEmpty();
    // A raw 0.8 (what a gorilla scores as a bear) is worth less as an animal than by default,
    // and far less than as a person.
    assertThat(c.confidence("bear", 0.8)).isLessThan(c.confidence("kite", 0.8) - 0.15);
    assertThat(c.confidence("bear", 0.8)).isLessThan(c.confidence("person", 0.8) - 0.3);
    // Every animal class uses the group's curve, close to the animals' truth.
    for (String name : ANIMALS) {
      assertThat(c.curveFor(name)).isEqualTo(animal);
    }
    assertThat(c.confidence("cow", 0.8))
        .isCloseTo(1 / (1 + Math.exp(-(Math.log(4) - 2.5))), within(0.12));
    // Food scores are worth more than the default says.
    assertThat(c.confidence("apple", 0.5)).isGreaterThan(c.confidence("kite", 0.5) + 0.15);
    // A class in no group uses the default.
    assertThat(c.curveFor("kite")).isEqualTo(c.fallback());
  }

  @Test
  void aGroupWithoutEnoughExamplesGetsNoCurveButKeepsItsMembers() {
    Calibration c = PlattFit.calibration(byClass(), GROUPS, PlattFit.Scope.GROUPS, 8, 2.0);

    assertThat(c.groups().get("vehicle").curve()).isNull();
    assertThat(c.groups().get("vehicle").classes()).containsExactly("car", "bus");
    assertThat(c.curveFor("car")).isEqualTo(c.fallback());
    assertThat(c.curveFor("bus")).isEqualTo(c.fallback());
    // "person" is a group of one with 400 examples: it has a curve.
    assertThat(c.groups().get("person").curve()).isNotNull();
  }

  @Test
  void aScopeWithoutGroupsFitsNoGroupCurvesAndOneWithoutClassesNoClassCurves() {
    Map<String, List<PlattFit.Example>> byClass = byClass();

    Calibration defaultOnly =
        PlattFit.calibration(byClass, GROUPS, PlattFit.Scope.DEFAULT_ONLY, 8, 2.0);
    Calibration perClass = PlattFit.calibration(byClass, GROUPS, PlattFit.Scope.PER_CLASS, 8, 2.0);
    Calibration both =
        PlattFit.calibration(byClass, GROUPS, PlattFit.Scope.GROUPS_PER_CLASS, 8, 2.0);

    assertThat(defaultOnly.groups())
        .hasSize(4)
        .allSatisfy((n, g) -> assertThat(g.curve()).isNull());
    assertThat(defaultOnly.classes()).isEmpty();
    assertThat(perClass.groups()).allSatisfy((n, g) -> assertThat(g.curve()).isNull());
    // Classes with 8 right and 8 wrong examples of their own get a curve; the animals do not.
    assertThat(perClass.classes()).containsOnlyKeys("person", "apple", "orange", "kite");
    assertThat(both.classes()).containsOnlyKeys("person", "apple", "orange", "kite");
    assertThat(both.groups().get("animal").curve()).isNotNull();
    // The default curve is the same whatever the scope: it is fitted on every example.
    assertThat(perClass.fallback()).isEqualTo(defaultOnly.fallback());
    assertThat(both.fallback()).isEqualTo(defaultOnly.fallback());
  }

  @Test
  void aClassCurveIsPulledTowardsItsGroupsCurveRatherThanTheDefault() {
    // A bear with enough examples of its own, whose scores are worth what the default says
    // (P = sigmoid(logit)); its group, the animals, is worth much less.
    Map<String, List<PlattFit.Example>> byClass = byClass();
    byClass.put("bear", drawn(1.0, 0.0, 40, 10));
    assertThat(PlattFit.enough(byClass.get("bear"), 8)).isTrue();

    Calibration underGroup =
        PlattFit.calibration(byClass, GROUPS, PlattFit.Scope.GROUPS_PER_CLASS, 8, 20);
    Calibration underDefault =
        PlattFit.calibration(byClass, GROUPS, PlattFit.Scope.PER_CLASS, 8, 20);
    Calibration loose =
        PlattFit.calibration(byClass, GROUPS, PlattFit.Scope.GROUPS_PER_CLASS, 8, 1e-3);

    double group = PlattFit.apply(underGroup.groups().get("animal").curve(), 0.8);
    double bearUnderGroup = PlattFit.apply(underGroup.classes().get("bear"), 0.8);
    double bearUnderDefault = PlattFit.apply(underDefault.classes().get("bear"), 0.8);
    double bearLoose = PlattFit.apply(loose.classes().get("bear"), 0.8);
    // The same examples and pull: the curve lands nearer the group's (lower) curve when the group
    // is its prior, and a loose pull leaves it where its own examples put it, above both.
    assertThat(group).isLessThan(bearUnderGroup);
    assertThat(bearUnderGroup).isLessThan(bearUnderDefault - 0.03);
    assertThat(bearLoose).isGreaterThan(bearUnderGroup);
  }

  @Test
  void badInputIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> PlattFit.fit(List.of(), IDENTITY, 1e-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no examples");
    assertThatThrownBy(
            () -> PlattFit.fit(List.of(new PlattFit.Example(Double.NaN, true)), IDENTITY, 1e-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> PlattFit.fit(List.of(new PlattFit.Example(1.5, true)), IDENTITY, 1e-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> PlattFit.fit(List.of(new PlattFit.Example(0.5, true)), IDENTITY, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pull");
  }
}
