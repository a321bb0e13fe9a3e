package io.autotag.shared.provider.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.ImageSize;
import io.autotag.shared.classify.Label;
import io.autotag.shared.config.Settings;
import io.autotag.shared.image.DecodedImage;
import io.autotag.shared.image.ImageDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed COCO-80 model against outputs recorded from the original TF.js graph ({@code
 * reference-outputs.json}, made by {@code model/reference/make-reference.mjs} with
 * {@code @tensorflow/tfjs}): per-class scores and sampled raw heatmap cells for a synthetic input
 * and a real photograph, run here with the Java ONNX Runtime. A wrong layout, a wrong channel
 * order, a missing activation or a broken conversion moves these values by far more than the
 * tolerance.
 */
class Coco80ModelTest {

  private static final String DIR = "/io/autotag/models/coco80/";
  private static final int SIZE = 512;
  private static final int GRID = 128;
  private static final int CLASSES = 80;
  // ONNX Runtime differs from TF.js's CPU backend by about 1e-6 (model/MODEL_CARD.md); a layout,
  // channel-order or conversion error moves values by 1e-2 and more.
  private static final double TOLERANCE = 1e-4;

  private static JsonNode reference;
  private static OrtSession session;
  private static OnnxClassifier classifier;
  private static List<String> labels;

  @BeforeAll
  static void load() throws Exception {
    reference = new ObjectMapper().readTree(resource("reference-outputs.json"));
    byte[] model = resource("model.onnx");
    session = OrtEnvironment.getEnvironment().createSession(model, new OrtSession.SessionOptions());
    // One plain pass, so the provider's answer can be compared with the reference's; the default
    // configuration (with its zoomed-out pass) is tested in Coco80ContractTest.
    Settings settings = Settings.of(Map.of(OnnxSettings.ZOOM_OUT, "0", OnnxSettings.FLIP, "false"));
    classifier = (OnnxClassifier) OnnxClassifierFactory.create().create(settings, null);
    settings.check();
    labels = classifier.labels();
  }

  @AfterAll
  static void close() throws Exception {
    session.close();
    classifier.close();
  }

  @Test
  void labelsAreTheEightyCocoClassesInOrder() {
    assertThat(labels).hasSize(CLASSES);
    assertThat(labels.getFirst()).isEqualTo("person");
    assertThat(labels).contains("traffic light", "sports ball", "potted plant", "toothbrush");
    assertThat(labels.getLast()).isEqualTo("toothbrush");
  }

  @Test
  void syntheticInputMatchesTheTfjsReference() throws Exception {
    JsonNode record = input("synthetic");
    assertThat(record.path("formula").asText()).contains("(x*7 + y*13 + c*29) % 256");
    FloatBuffer pixels = FloatBuffer.allocate(SIZE * SIZE * 3);
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        for (int c = 0; c < 3; c++) {
          pixels.put((y * SIZE + x) * 3 + c, (x * 7 + y * 13 + c * 29) % 256);
        }
      }
    }

    checkAgainst(record, run(pixels));
  }

  @Test
  void referencePhotoMatchesTheTfjsReference() throws Exception {
    JsonNode record = input("photo");
    byte[] png = resource(record.path("file").asText());
    assertThat(sha256(png)).isEqualTo(record.path("fileSha256").asText());
    DecodedImage image = ImageDecoder.create().decode(png);
    assertThat(image.width()).isEqualTo(SIZE);
    FloatBuffer pixels = FloatBuffer.allocate(SIZE * SIZE * 3);
    for (int i = 0; i < SIZE * SIZE; i++) {
      int p = image.rgb()[i];
      pixels.put(i * 3, p >> 16 & 0xFF);
      pixels.put(i * 3 + 1, p >> 8 & 0xFF);
      pixels.put(i * 3 + 2, p & 0xFF);
    }

    checkAgainst(record, run(pixels));
  }

  @Test
  void theClassifierAnswersTheCalibratedReferenceScoresForTheReferencePhoto() throws Exception {
    JsonNode record = input("photo");
    byte[] png = resource(record.path("file").asText());

    // The photo is already 512x512, so a plain stretched pass is the identity and the provider's
    // raw per-class maxima are the reference's; what it reports is each one through the shipped
    // calibration of model.json.
    Classification c = classifier.classify(ImageInput.Bytes.of(png));

    assertThat(c.provider()).isEqualTo("onnx");
    assertThat(c.multiLabel()).isTrue();
    assertThat(c.imageSize()).isEqualTo(new ImageSize(SIZE, SIZE));
    Calibration calibration = classifier.descriptor().calibration();
    assertThat(calibration.isIdentity()).isFalse();
    JsonNode top5 = record.path("top5");
    for (int i = 0; i < 5; i++) {
      String name = top5.get(i).path("label").asText();
      double expected = calibration.confidence(name, top5.get(i).path("score").asDouble());
      List<Label> found = c.labels().stream().filter(l -> l.name().equals(name)).toList();
      assertThat(found).as(name).singleElement();
      assertThat(found.getFirst().confidence()).as(name).isCloseTo(expected, within(TOLERANCE));
    }
    assertThat(c.labels().getFirst().name()).isEqualTo("person");
  }

  @Test
  void theCalibrationNeverLiftsAClassTheModelRanksBelowItsTenBestIntoTheLabels() throws Exception {
    // A flat curve for one class (as a fit with few examples can give): raw 0.001 would become
    // about 0.95, above every other label of any photo.
    ModelDescriptor shipped = classifier.descriptor();
    Calibration c0 = shipped.calibration();
    Map<String, Calibration.Curve> classes = new java.util.LinkedHashMap<>(c0.classes());
    classes.put("toothbrush", new Calibration.Curve(0.05, 3.0));
    Calibration flat = new Calibration(c0.fallback(), c0.groups(), classes);
    ModelDescriptor variant =
        new ModelDescriptor(
            shipped.id(), shipped.input(), shipped.output(), shipped.inference(), flat);
    byte[] png = resource(input("photo").path("file").asText());
    InferenceOptions plain = new InferenceOptions(InferenceOptions.Resize.STRETCH, 0, false);
    try (OnnxClassifier flatClassifier =
        OnnxClassifier.create(
            resource("model.onnx"), variant, labels, 1, ImageDecoder.create(), plain)) {
      Classification c = flatClassifier.classify(ImageInput.Bytes.of(png));

      assertThat(flat.confidence("toothbrush", 0.001)).isGreaterThan(0.9);
      assertThat(c.labels())
          .extracting(Label::name)
          .doesNotContain("toothbrush")
          .contains("person");
      double lowest = c.labels().getLast().confidence();
      Label toothbrush =
          c.classes().stream().filter(l -> l.name().equals("toothbrush")).findFirst().orElseThrow();
      assertThat(toothbrush.confidence()).isLessThanOrEqualTo(lowest);
      // Every other class keeps its own calibrated confidence.
      assertThat(c.labels().getFirst().confidence())
          .isEqualTo(
              classifier.classify(ImageInput.Bytes.of(png)).labels().getFirst().confidence());
    }
  }

  @Test
  void theRawBestTenRankANanScoreLastAndKeepTheModelsOrderOnTies() {
    float[] scores = new float[12];
    Arrays.fill(scores, 0.5f);
    scores[0] = Float.NaN;
    scores[11] = 0.9f;

    int[] best = OnnxClassifier.rawBest(scores);

    // 0.9 first, then the ties in the model's order; the NaN (a broken model's output) is not
    // among them, nor is the last tie that does not fit.
    assertThat(best).containsExactly(11, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  private static void checkAgainst(JsonNode record, float[] heatmap) {
    float[] scores = new float[CLASSES];
    Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    for (int cell = 0; cell < GRID * GRID; cell++) {
      for (int k = 0; k < CLASSES; k++) {
        scores[k] = Math.max(scores[k], heatmap[cell * CLASSES + k]);
      }
    }
    JsonNode expectedScores = record.path("scores");
    assertThat(expectedScores.size()).isEqualTo(CLASSES);
    for (int k = 0; k < CLASSES; k++) {
      assertThat((double) scores[k])
          .as("score of %s", labels.get(k))
          .isCloseTo(expectedScores.get(k).asDouble(), within(TOLERANCE));
    }
    JsonNode samples = record.path("samples");
    assertThat(samples.size()).isGreaterThanOrEqualTo(40);
    for (JsonNode s : samples) {
      int y = s.path("y").asInt();
      int x = s.path("x").asInt();
      int c = s.path("c").asInt();
      assertThat((double) heatmap[(y * GRID + x) * CLASSES + c])
          .as("heatmap[%d][%d][%d]", y, x, c)
          .isCloseTo(s.path("value").asDouble(), within(TOLERANCE));
    }
    // The provider's own decoding of the output agrees with this test's.
    ModelDescriptor.Output output = classifier.descriptor().output();
    float[] decoded = OutputScores.decode(output, heatmap, CLASSES);
    assertThat(decoded).containsExactly(scores);
  }

  private static float[] run(FloatBuffer pixels) throws Exception {
    try (OnnxTensor input =
            OnnxTensor.createTensor(
                OrtEnvironment.getEnvironment(), pixels, new long[] {1, SIZE, SIZE, 3});
        OrtSession.Result result = session.run(Map.of("tower_0/images", input))) {
      OnnxTensor out = (OnnxTensor) result.get("tower_0/keypoints").orElseThrow();
      assertThat(out.getInfo().getShape()).containsExactly(1, GRID, GRID, CLASSES);
      FloatBuffer buffer = out.getFloatBuffer();
      float[] values = new float[buffer.remaining()];
      buffer.get(values);
      return values;
    }
  }

  private static JsonNode input(String id) {
    for (JsonNode input : reference.path("inputs")) {
      if (input.path("id").asText().equals(id)) {
        return input;
      }
    }
    throw new AssertionError("no input " + id + " in reference-outputs.json");
  }

  private static byte[] resource(String name) {
    try (InputStream in = Coco80ModelTest.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new AssertionError("missing resource " + DIR + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
