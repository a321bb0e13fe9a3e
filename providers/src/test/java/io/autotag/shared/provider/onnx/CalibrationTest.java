package io.autotag.shared.provider.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CalibrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DESCRIPTOR =
      """
      {"id": "det", "input": {"name": "images", "width": 64, "height": 64, "layout": "NHWC"},
       "output": {"name": "heat", "kind": "heatmap"}%s}""";

  private final Calibration calibration =
      new Calibration(
          new Calibration.Curve(1.5, -1.0), Map.of("person", new Calibration.Curve(2.0, 0.8)));

  @Test
  void aCurveIsPlattScalingOnTheLogOdds() {
    // sigmoid(1.5 * logit(0.5) - 1.0) = sigmoid(-1.0)
    assertThat(calibration.confidence("dog", 0.5))
        .isCloseTo(1 / (1 + Math.exp(1.0)), within(1e-12));
    // logit(0.8) = ln 4; sigmoid(2 ln 4 + 0.8)
    assertThat(calibration.confidence("person", 0.8))
        .isCloseTo(1 / (1 + Math.exp(-(2 * Math.log(4) + 0.8))), within(1e-12));
  }

  @Test
  void confidenceNeverFallsAsTheScoreRisesAndStaysWithinZeroAndOne() {
    for (String label : List.of("person", "dog")) {
      double previous = -1;
      for (int i = -10; i <= 1010; i++) {
        double c = calibration.confidence(label, i / 1000.0);
        assertThat(c).as("%s at %d", label, i).isBetween(0.0, 1.0).isGreaterThanOrEqualTo(previous);
        previous = c;
      }
      // The extremes stay finite and inside the range, and so does a broken score.
      assertThat(calibration.confidence(label, 0.0)).isGreaterThan(0.0);
      assertThat(calibration.confidence(label, 1.0)).isLessThan(1.0);
      assertThat(calibration.confidence(label, Double.NaN)).isZero();
      assertThat(calibration.confidence(label, Double.POSITIVE_INFINITY))
          .isEqualTo(calibration.confidence(label, 1.0));
    }
  }

  @Test
  void aClassWithoutItsOwnCurveUsesTheDefaultOne() {
    Calibration.Curve[] curves = calibration.forLabels(List.of("person", "bicycle", "dog"));

    assertThat(curves[0]).isEqualTo(new Calibration.Curve(2.0, 0.8));
    assertThat(curves[1]).isEqualTo(new Calibration.Curve(1.5, -1.0)).isSameAs(curves[2]);
  }

  @Test
  void noCalibrationIsTheIdentityClampedToZeroOne() {
    assertThat(Calibration.NONE.isIdentity()).isTrue();
    assertThat(Calibration.NONE.confidence("anything", 0.37)).isEqualTo(0.37);
    assertThat(Calibration.NONE.confidence("anything", 1.7)).isEqualTo(1.0);
    assertThat(Calibration.NONE.confidence("anything", -0.2)).isEqualTo(0.0);
    assertThat(Calibration.NONE.confidence("anything", Double.NaN)).isEqualTo(0.0);
    assertThat(Calibration.NONE.forLabels(List.of("a", "b"))).containsOnlyNulls();
  }

  @Test
  void aDescriptorWithoutCalibrationHasNone() throws Exception {
    ModelDescriptor d = parse(DESCRIPTOR.formatted(""));

    assertThat(d.calibration()).isSameAs(Calibration.NONE);
  }

  @Test
  void loadsFromTheDescriptor() throws Exception {
    ModelDescriptor d =
        parse(
            DESCRIPTOR.formatted(
                """
                , "calibration": {"method": "platt", "about": "ignored",
                   "default": {"a": 1.5, "b": -1.0}, "classes": {"person": {"a": 2.0, "b": 0.8}}}"""));

    assertThat(d.calibration()).isEqualTo(calibration);
    assertThat(d.calibration().isIdentity()).isFalse();
  }

  @Test
  void aCurveThatCouldLowerAHigherScoreIsRejected() {
    assertThatThrownBy(
            () ->
                parse(
                    DESCRIPTOR.formatted(
                        ", \"calibration\": {\"default\": {\"a\": 1.0, \"b\": 0},"
                            + " \"classes\": {\"cat\": {\"a\": -0.5, \"b\": 0}}}")))
        .isInstanceOf(ModelDescriptor.InvalidDescriptorException.class)
        .hasMessageContaining("calibration curve 'cat' needs a finite a > 0");
    assertThatThrownBy(
            () ->
                parse(
                    DESCRIPTOR.formatted(", \"calibration\": {\"default\": {\"a\": 0, \"b\": 0}}")))
        .hasMessageContaining("calibration curve 'default'");
  }

  @Test
  void aBrokenCalibrationIsAnInvalidDescriptor() {
    assertThatThrownBy(() -> parse(DESCRIPTOR.formatted(", \"calibration\": {\"classes\": {}}")))
        .isInstanceOf(ModelDescriptor.InvalidDescriptorException.class)
        .hasMessageContaining("default curve");
    assertThatThrownBy(
            () ->
                parse(
                    DESCRIPTOR.formatted(
                        ", \"calibration\": {\"method\": \"isotonic\", \"default\": {\"a\": 1,"
                            + " \"b\": 0}}")))
        .isInstanceOf(ModelDescriptor.InvalidDescriptorException.class)
        .hasMessageContaining("platt");
    assertThatThrownBy(
            () -> parse(DESCRIPTOR.formatted(", \"calibration\": {\"default\": {\"a\": 1}}")))
        .isInstanceOf(ModelDescriptor.InvalidDescriptorException.class);
  }

  @Test
  void aClassTheLabelsDoNotHaveIsRefused() {
    assertThatThrownBy(() -> calibration.forLabels(List.of("dog", "cat")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not in the labels: person");
  }

  @Test
  void theBundledModelShipsAValidCalibrationForItsOwnLabels() throws Exception {
    ModelDescriptor d;
    try (InputStream in = getClass().getResourceAsStream("/io/autotag/models/coco80/model.json")) {
      d = ModelDescriptor.parse(in.readAllBytes(), JSON);
    }
    List<String> labels;
    try (InputStream in = getClass().getResourceAsStream("/io/autotag/models/coco80/labels.txt")) {
      labels = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }

    assertThat(d.calibration().isIdentity()).isFalse();
    assertThat(d.calibration().forLabels(labels)).doesNotContainNull().hasSize(80);
  }

  private static ModelDescriptor parse(String json) throws Exception {
    return ModelDescriptor.parse(json.getBytes(StandardCharsets.UTF_8), JSON);
  }
}
