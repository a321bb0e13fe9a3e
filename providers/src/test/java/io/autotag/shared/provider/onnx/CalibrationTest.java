package io.autotag.shared.provider.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  private final Calibration grouped =
      new Calibration(
          new Calibration.Curve(1.5, -1.0),
          Map.of(
              "animal",
              new Calibration.Group(
                  List.of("cat", "dog", "bear"), new Calibration.Curve(1.0, -2.0)),
              "vehicle",
              new Calibration.Group(List.of("car", "bus"), null)),
          Map.of("dog", new Calibration.Curve(2.0, 0.8)));

  @Test
  void aClassUsesItsOwnCurveElseItsGroupsElseTheDefault() {
    Calibration.Curve[] curves =
        grouped.forLabels(List.of("person", "cat", "dog", "bear", "car", "bus", "kite"));

    Calibration.Curve fallback = new Calibration.Curve(1.5, -1.0);
    Calibration.Curve animal = new Calibration.Curve(1.0, -2.0);
    assertThat(curves)
        .containsExactly(
            fallback,
            animal,
            new Calibration.Curve(2.0, 0.8), // its own curve wins over its group's
            animal,
            fallback, // a group without a curve only records membership
            fallback,
            fallback);
    // The same raw score is worth less as a bear than as a person: sigmoid(-2) < sigmoid(-1).
    assertThat(grouped.confidence("bear", 0.5)).isCloseTo(1 / (1 + Math.exp(2.0)), within(1e-12));
    assertThat(grouped.confidence("person", 0.5)).isCloseTo(1 / (1 + Math.exp(1.0)), within(1e-12));
    assertThat(groupOf(grouped, "bus")).contains("vehicle");
    assertThat(groupOf(grouped, "person")).isEmpty();
  }

  @Test
  void loadsGroupsFromTheDescriptor() throws Exception {
    ModelDescriptor d =
        parse(
            DESCRIPTOR.formatted(
                """
                , "calibration": {"method": "platt", "default": {"a": 1.5, "b": -1.0},
                   "groups": {"vehicle": {"classes": ["car", "bus"]},
                              "animal": {"classes": ["cat", "dog", "bear"], "a": 1.0, "b": -2.0,
                                         "about": "ignored"}},
                   "classes": {"dog": {"a": 2.0, "b": 0.8}}}"""));

    assertThat(d.calibration()).isEqualTo(grouped);
  }

  @Test
  void aClassInTwoGroupsIsAnInvalidDescriptor() {
    assertThatThrownBy(
            () ->
                parse(
                    DESCRIPTOR.formatted(
                        """
                        , "calibration": {"default": {"a": 1.0, "b": 0},
                           "groups": {"animal": {"classes": ["cat", "dog"], "a": 1, "b": 0},
                                      "pets": {"classes": ["fish", "cat"]}}}""")))
        .isInstanceOf(ModelDescriptor.InvalidDescriptorException.class)
        .hasMessageContaining("class 'cat' is in two calibration groups, 'animal' and 'pets'");
  }

  @Test
  void aGroupListingAClassTwiceIsAnInvalidDescriptorThatSaysSo() {
    assertThatThrownBy(
            () ->
                parse(
                    DESCRIPTOR.formatted(
                        """
                        , "calibration": {"default": {"a": 1.0, "b": 0},
                           "groups": {"animal": {"classes": ["cat", "cat"], "a": 1, "b": 0}}}""")))
        .isInstanceOf(ModelDescriptor.InvalidDescriptorException.class)
        .hasMessageContaining("calibration group 'animal' lists 'cat' twice");
  }

  @Test
  void aGroupWithABrokenCurveOrNoClassesIsAnInvalidDescriptor() {
    assertThatThrownBy(
            () ->
                parse(
                    DESCRIPTOR.formatted(
                        """
                        , "calibration": {"default": {"a": 1.0, "b": 0},
                           "groups": {"animal": {"classes": ["cat"], "a": -1, "b": 0}}}""")))
        .isInstanceOf(ModelDescriptor.InvalidDescriptorException.class)
        .hasMessageContaining("calibration group 'animal' needs a finite a > 0 and a finite b");
    // Half a curve is a broken curve, not a group without one.
    assertThatThrownBy(
            () ->
                parse(
                    DESCRIPTOR.formatted(
                        """
                        , "calibration": {"default": {"a": 1.0, "b": 0},
                           "groups": {"food": {"classes": ["cake"], "a": 1.2}}}""")))
        .isInstanceOf(ModelDescriptor.InvalidDescriptorException.class)
        .hasMessageContaining("calibration group 'food' needs a finite a > 0 and a finite b");
    assertThatThrownBy(
            () ->
                parse(
                    DESCRIPTOR.formatted(
                        """
                        , "calibration": {"default": {"a": 1.0, "b": 0},
                           "groups": {"empty": {"a": 1, "b": 0}, "also": {"classes": []}}}""")))
        .isInstanceOf(ModelDescriptor.InvalidDescriptorException.class)
        .hasMessageContaining("calibration group 'empty' lists no classes")
        .hasMessageContaining("calibration group 'also' lists no classes");
  }

  @Test
  void aGroupNamingAClassTheLabelsDoNotHaveIsRefused() {
    assertThatThrownBy(() -> grouped.forLabels(List.of("cat", "dog", "car", "bus")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("calibration group 'animal' names a class that is not in the labels")
        .hasMessageContaining("bear");
  }

  @Test
  void theBundledModelGroupsEveryLabelInOneOfCocosSupercategories() throws Exception {
    Calibration c = bundled();
    List<String> labels = bundledLabels();

    assertThat(c.groups())
        .containsOnlyKeys(
            "person",
            "vehicle",
            "outdoor",
            "animal",
            "accessory",
            "sports",
            "kitchen",
            "food",
            "furniture",
            "electronic",
            "appliance",
            "indoor");
    for (String label : labels) {
      assertThat(groupOf(c, label)).as(label).isPresent();
    }
    assertThat(c.groups().values().stream().mapToInt(g -> g.classes().size()).sum()).isEqualTo(80);
    assertThat(c.groups().get("animal").classes())
        .containsExactly(
            "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe");
    assertThat(groupOf(c, "teddy bear")).contains("indoor");
    assertThat(groupOf(c, "potted plant")).contains("furniture");
  }

  @Test
  void aClassTheLabelsDoNotHaveIsRefused() {
    assertThatThrownBy(() -> calibration.forLabels(List.of("dog", "cat")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not in the labels: person");
  }

  @Test
  void theBundledModelShipsAValidCalibrationForItsOwnLabels() throws Exception {
    Calibration c = bundled();

    assertThat(c.isIdentity()).isFalse();
    assertThat(c.forLabels(bundledLabels())).doesNotContainNull().hasSize(80);
  }

  private static Calibration bundled() throws Exception {
    try (InputStream in =
        CalibrationTest.class.getResourceAsStream("/io/autotag/models/coco80/model.json")) {
      return ModelDescriptor.parse(in.readAllBytes(), JSON).calibration();
    }
  }

  private static List<String> bundledLabels() throws Exception {
    try (InputStream in =
        CalibrationTest.class.getResourceAsStream("/io/autotag/models/coco80/labels.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  private static ModelDescriptor parse(String json) throws Exception {
    return ModelDescriptor.parse(json.getBytes(StandardCharsets.UTF_8), JSON);
  }

  /** The name of the group of {@code c} that lists {@code label}, if any. */
  private static Optional<String> groupOf(Calibration c, String label) {
    return c.groups().entrySet().stream()
        .filter(e -> e.getValue().classes().contains(label))
        .map(Map.Entry::getKey)
        .findFirst();
  }
}
