package io.autotag.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The rule that turns a target precision into a default threshold ({@link
 * ModelEvaluation#threshold}): the lowest threshold at which what is emitted is both predicted by
 * its calibrated confidences and observed to be right at least the target share of the time.
 */
class ThresholdRuleTest {

  /** The emitted labels at threshold t: those of {@code all} at or above it. */
  private static DoubleFunction<List<ModelEvaluation.Emitted>> above(
      List<ModelEvaluation.Emitted> all) {
    return t -> all.stream().filter(e -> e.confidence() >= t).toList();
  }

  private static List<ModelEvaluation.Emitted> allRight(double from, double to, int n) {
    List<ModelEvaluation.Emitted> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(new ModelEvaluation.Emitted(from + (to - from) * i / (n - 1), true));
    }
    return all;
  }

  @Test
  void aFewLuckyRightAnswersDoNotLowerTheThresholdBelowWhatTheCalibrationPredicts() {
    // 16 auto-tags from 0.76 to 0.99, all right: observed precision is 100% from 0.76 on, but
    // the confidences say only about 88% of them should be right.
    List<ModelEvaluation.Emitted> tags = allRight(0.76, 0.99, 16);
    assertThat(ModelEvaluation.observedPrecision(above(tags).apply(0.76))).isEqualTo(1.0);

    double rule = ModelEvaluation.threshold(0.95, above(tags));

    assertThat(rule).isEqualTo(0.90);
    List<ModelEvaluation.Emitted> emitted = above(tags).apply(rule);
    assertThat(ModelEvaluation.expectedPrecision(emitted)).isGreaterThanOrEqualTo(0.95);
    // One step lower, the prediction falls short.
    List<ModelEvaluation.Emitted> lower = above(tags).apply(rule - 0.01);
    assertThat(lower.size()).isGreaterThan(emitted.size());
    assertThat(ModelEvaluation.expectedPrecision(lower)).isLessThan(0.95);
  }

  @Test
  void aConfidentWrongAnswerRaisesTheThresholdAboveIt() {
    List<ModelEvaluation.Emitted> tags = new ArrayList<>(allRight(0.95, 0.99, 10));
    tags.add(new ModelEvaluation.Emitted(0.97, false)); // 1 wrong in 11 above 0.95: 91%

    double rule = ModelEvaluation.threshold(0.95, above(tags));

    assertThat(rule).isEqualTo(0.98);
    assertThat(ModelEvaluation.observedPrecision(above(tags).apply(rule))).isEqualTo(1.0);
  }

  @Test
  void aThresholdIsOnlyChosenWhenEveryHigherOneAlsoMeetsTheTarget() {
    // Right at 0.96-0.99 and at 0.91-0.94, wrong at 0.95: from 0.91 on they are 95% right (19 of
    // 20, mean confidence 0.94), but at 0.95 only 4 of 5, so the rule stops above the wrong one.
    List<ModelEvaluation.Emitted> tags = new ArrayList<>(allRight(0.96, 0.99, 4));
    tags.add(new ModelEvaluation.Emitted(0.95, false));
    tags.addAll(allRight(0.91, 0.94, 15));
    assertThat(ModelEvaluation.observedPrecision(above(tags).apply(0.91))).isEqualTo(0.95);
    assertThat(ModelEvaluation.expectedPrecision(above(tags).apply(0.91))).isGreaterThan(0.9);

    assertThat(ModelEvaluation.threshold(0.9, above(tags))).isEqualTo(0.96);
  }

  @Test
  void nothingEmittedCountsAsMetAndATargetNothingMeetsSendsEverythingToReview() {
    assertThat(ModelEvaluation.threshold(0.95, t -> List.of())).isEqualTo(0.01);
    List<ModelEvaluation.Emitted> wrong = List.of(new ModelEvaluation.Emitted(1.0, false));
    assertThat(ModelEvaluation.threshold(0.95, above(wrong))).isEqualTo(1.01);
  }
}
