package io.autotag.shared.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class DownscalerTest {

  private static byte[] noise(int width, int height, String format) throws Exception {
    BufferedImage image =
        new BufferedImage(
            width,
            height,
            format.equals("png") ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Random random = new Random(3);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }

  @Test
  void anImageThatFitsIsReturnedUnchanged() throws Exception {
    ImageInput.Bytes image = ImageInput.Bytes.of(noise(20, 10, "png"));
    assertThat(Downscaler.create().fit(image, image.data().length)).isSameAs(image);
  }

  @Test
  void aLargePngBecomesAJpegUnderTheLimitWithTheSameAspectRatio() throws Exception {
    byte[] png = noise(800, 400, "png");
    long limit = png.length / 10;
    ImageInput.Bytes fitted = Downscaler.create().fit(ImageInput.Bytes.of(png), limit);
    assertThat(fitted.data().length).isLessThanOrEqualTo((int) limit);
    assertThat(fitted.format()).contains(ImageFormat.JPEG);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(fitted.data()));
    assertThat(decoded.getWidth()).isLessThan(800);
    assertThat((double) decoded.getWidth() / decoded.getHeight())
        .isCloseTo(2.0, org.assertj.core.api.Assertions.within(0.02));
  }

  @Test
  void aLargeJpegIsShrunk() throws Exception {
    byte[] jpeg = noise(600, 600, "jpeg");
    ImageInput.Bytes fitted = Downscaler.create().fit(ImageInput.Bytes.of(jpeg), jpeg.length / 3);
    assertThat(fitted.data().length).isLessThanOrEqualTo(jpeg.length / 3);
  }

  @Test
  void hugeImagesAreSubsampledWhileDecoding() throws Exception {
    byte[] png = noise(1000, 1000, "png");
    ImageInput.Bytes fitted = new Downscaler(10_000).fit(ImageInput.Bytes.of(png), png.length / 2);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(fitted.data()));
    assertThat((long) decoded.getWidth() * decoded.getHeight()).isLessThanOrEqualTo(10_000);
  }

  @Test
  void anUndecodableImageIsPermanentlyTooLarge() {
    byte[] junk = new byte[5000];
    new Random(1).nextBytes(junk);
    junk[0] = (byte) 0x89;
    junk[1] = 'P';
    junk[2] = 'N';
    junk[3] = 'G';
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () -> Downscaler.create().fit(ImageInput.Bytes.of(junk), 100));
    assertThat(thrown.reason()).isEqualTo(FailureReason.TOO_LARGE);
    assertThat(thrown.retryable()).isFalse();
  }
}
