package io.autotag.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.autotag.shared.provider.onnx.Calibration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Platt fit that calibrates the embedded model ({@link ModelEvaluation}): it recovers a known
 * curve, stays finite on separable data, and has a defined answer for degenerate input.
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
