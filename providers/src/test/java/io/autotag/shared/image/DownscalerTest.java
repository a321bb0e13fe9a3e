package io.autotag.shared.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class DownscalerTest {

  private static byte[] noise(int width, int height, String format) {
    return TestImages.noise(width, height, format);
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
        .isCloseTo(2.0, Assertions.within(0.02));
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
    ImageInput.Bytes fitted =
        new Downscaler(ImageDecoder.create(), 100).fit(ImageInput.Bytes.of(png), png.length / 2);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(fitted.data()));
    assertThat((long) decoded.getWidth() * decoded.getHeight()).isLessThanOrEqualTo(10_000);
  }

  @Test
  void anImageOverThePixelLimitIsRefusedNotDecoded() throws Exception {
    byte[] png = noise(400, 400, "png");
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () ->
                Downscaler.create(ImageDecoder.create(10_000))
                    .fit(ImageInput.Bytes.of(png), png.length / 2));
    assertThat(thrown.reason()).isEqualTo(FailureReason.TOO_MANY_PIXELS);
  }

  @Test
  void theShrunkImageIsUpright() throws Exception {
    // A 40x20 JPEG whose EXIF says "rotate 90° clockwise" must come out 20 wide and 40 high.
    byte[] rotated =
        TestPictures.withExifOrientation(
            TestPictures.encode(
                ImageIO.read(new ByteArrayInputStream(noise(40, 20, "jpeg"))), "jpg"),
            6,
            false);
    ImageInput.Bytes fitted =
        Downscaler.create().fit(ImageInput.Bytes.of(rotated), rotated.length - 1);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(fitted.data()));
    assertThat(decoded.getHeight()).isGreaterThan(decoded.getWidth());
  }

  @Test
  void anUndecodableImageIsPermanentlyCorrupt() {
    byte[] junk = new byte[5000];
    new Random(1).nextBytes(junk);
    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    System.arraycopy(signature, 0, junk, 0, signature.length);
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () -> Downscaler.create().fit(ImageInput.Bytes.of(junk), 100));
    assertThat(thrown.reason()).isEqualTo(FailureReason.CORRUPT);
    assertThat(thrown.retryable()).isFalse();
  }
}
