package io.autotag.shared.provider.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageSize;
import io.autotag.shared.image.DecodedImage;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class TensorWriterTest {

  private static final Offset<Float> EPS = Offset.offset(1e-4f);
  private static final InferenceOptions.Pass PLAIN = new InferenceOptions.Pass(1.0, false, false);

  // 2x1 image: a red pixel then a blue one.
  private static final DecodedImage RED_BLUE =
      new DecodedImage(2, 1, new int[] {0xFF0000, 0x0000FF}, new ImageSize(2, 1), ImageFormat.PNG);

  @Test
  void nhwcRgbWithIdentityNormalisation() {
    FloatBuffer out = write(input(2, 1, "NHWC", "RGB", 1.0, 0, 1), PLAIN, RED_BLUE);

    assertThat(values(out)).containsExactly(255, 0, 0, 0, 0, 255);
  }

  @Test
  void nchwBgrWithTorchvisionNormalisation() {
    FloatBuffer out = write(input(2, 1, "NCHW", "BGR", 1 / 255.0, 0.5, 0.5), PLAIN, RED_BLUE);

    // planes B, G, R; value (p/255 - 0.5) / 0.5
    assertThat(values(out)).containsExactly(-1, 1, -1, -1, 1, -1);
  }

  @Test
  void mirroredPassSwapsLeftAndRight() {
    FloatBuffer out =
        write(
            input(2, 1, "NHWC", "RGB", 1.0, 0, 1),
            new InferenceOptions.Pass(1.0, false, true),
            RED_BLUE);

    assertThat(values(out)).containsExactly(0, 0, 255, 255, 0, 0);
  }

  @Test
  void letterboxKeepsTheAspectAndPadsWithGrey() {
    // A 4x2 image into a 4x4 input: rows 0 and 3 are padding, rows 1-2 the image.
    int[] pixels = new int[8];
    Arrays.fill(pixels, 0xFFFFFF);
    DecodedImage white = new DecodedImage(4, 2, pixels, new ImageSize(4, 2), ImageFormat.PNG);

    FloatBuffer out =
        write(
            input(4, 4, "NHWC", "RGB", 1.0, 0, 1),
            new InferenceOptions.Pass(1.0, true, false),
            white);

    assertThat(out.get(0)).isCloseTo(128f, EPS);
    assertThat(out.get((1 * 4 + 0) * 3)).isCloseTo(255f, EPS);
    assertThat(out.get((2 * 4 + 3) * 3)).isCloseTo(255f, EPS);
    assertThat(out.get((3 * 4 + 3) * 3)).isCloseTo(128f, EPS);
  }

  @Test
  void zoomedOutPassShrinksTheImageIntoTheCentre() {
    int[] pixels = new int[16];
    Arrays.fill(pixels, 0xFFFFFF);
    DecodedImage white = new DecodedImage(4, 4, pixels, new ImageSize(4, 4), ImageFormat.PNG);

    FloatBuffer out =
        write(
            input(4, 4, "NHWC", "RGB", 1.0, 0, 1),
            new InferenceOptions.Pass(0.5, false, false),
            white);

    assertThat(out.get(0)).isCloseTo(128f, EPS);
    assertThat(out.get((1 * 4 + 1) * 3)).isCloseTo(255f, EPS);
    assertThat(out.get((2 * 4 + 2) * 3)).isCloseTo(255f, EPS);
    assertThat(out.get((3 * 4 + 3) * 3)).isCloseTo(128f, EPS);
  }

  @Test
  void shrinkingAveragesTheFootprint() {
    // 4x1 black, white, black, white into 2x1: each output pixel averages one of each.
    DecodedImage stripes =
        new DecodedImage(
            4, 1, new int[] {0, 0xFFFFFF, 0, 0xFFFFFF}, new ImageSize(4, 1), ImageFormat.PNG);

    FloatBuffer out = write(input(2, 1, "NHWC", "RGB", 1.0, 0, 1), PLAIN, stripes);

    assertThat(values(out)).containsExactly(128, 128, 128, 128, 128, 128);
  }

  @Test
  void enlargingInterpolatesEveryChannel() {
    // 2x1 (black, then 200/100/50) stretched to 4x1: output centres fall at source x = -0.25
    // (clamped to 0), 0.25, 0.75 and 1.25 (clamped to 1).
    DecodedImage small =
        new DecodedImage(2, 1, new int[] {0, 0xC86432}, new ImageSize(2, 1), ImageFormat.PNG);

    FloatBuffer out = write(input(4, 1, "NHWC", "RGB", 1.0, 0, 1), PLAIN, small);

    assertThat(values(out)).containsExactly(0, 0, 0, 50, 25, 13, 150, 75, 38, 200, 100, 50);
  }

  @Test
  void anImageOfTheInputSizeIsCopiedUnchanged() {
    int[] pixels = {0x010203, 0xFFFEFD, 0x7F8081, 0x000000};
    DecodedImage exact = new DecodedImage(2, 2, pixels, new ImageSize(2, 2), ImageFormat.PNG);

    FloatBuffer out = write(input(2, 2, "NHWC", "RGB", 1.0, 0, 1), PLAIN, exact);

    assertThat(values(out)).containsExactly(1, 2, 3, 255, 254, 253, 127, 128, 129, 0, 0, 0);
  }

  @Test
  void veryWideFootprintsAverageWithoutOverflow() {
    // 600x1 into 1x1: one footprint of 600 pixels, past the packed sums' 256.
    int[] pixels = new int[600];
    Arrays.fill(pixels, 0xFF80FF);
    DecodedImage wide = new DecodedImage(600, 1, pixels, new ImageSize(600, 1), ImageFormat.PNG);

    FloatBuffer out = write(input(1, 1, "NHWC", "RGB", 1.0, 0, 1), PLAIN, wide);

    assertThat(values(out)).containsExactly(255, 128, 255);
  }

  private static ModelDescriptor.Input input(
      int w, int h, String layout, String order, double scale, double mean, double std) {
    return new ModelDescriptor.Input(
        "in",
        w,
        h,
        ModelDescriptor.Layout.valueOf(layout),
        ModelDescriptor.ColorOrder.valueOf(order),
        scale,
        new double[] {mean, mean, mean},
        new double[] {std, std, std});
  }

  private static FloatBuffer write(
      ModelDescriptor.Input input, InferenceOptions.Pass pass, DecodedImage image) {
    FloatBuffer out = FloatBuffer.allocate(input.elements());
    new TensorWriter(input).write(image, pass, out);
    return out;
  }

  private static int[] values(FloatBuffer out) {
    int[] v = new int[out.capacity()];
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.round(out.get(i));
    }
    return v;
  }
}
