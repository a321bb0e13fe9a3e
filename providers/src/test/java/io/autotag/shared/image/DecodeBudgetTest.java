package io.autotag.shared.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import java.awt.image.BufferedImage;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

/**
 * The decode-work limits on their own, against the header a real ImageIO reader reads: what each
 * format may cost is decided before any pixel is decoded. {@code ImageDecoderTest} checks the same
 * limits through whole decodes.
 */
class DecodeBudgetTest {

  private final DecodeBudget budget = new DecodeBudget(100_000_000L);

  @Test
  void theDeclaredPixelsAreCheckedAgainstTheConfiguredLimit() throws Exception {
    byte[] png = TestPictures.pngBomb(100, 100);

    assertThatCode(() -> check(new DecodeBudget(10_000), ImageFormat.PNG, png))
        .doesNotThrowAnyException();
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () -> check(new DecodeBudget(9_999), ImageFormat.PNG, png));
    assertThat(thrown.reason()).isEqualTo(FailureReason.TOO_MANY_PIXELS);
    assertThat(thrown.getMessage())
        .isEqualTo("image is 100x100 pixels, above the limit of 9999 pixels");
  }

  @Test
  void decodedSamplesCountBitsPerPixelNotOnlyPixels() throws Exception {
    // 81 MP each: 8-bit RGB is 243 MB of samples, 16-bit RGB 486 MB.
    assertThatCode(() -> check(budget, ImageFormat.PNG, TestPictures.pngBomb(9000, 9000, 8)))
        .doesNotThrowAnyException();
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () -> check(budget, ImageFormat.PNG, TestPictures.pngBomb(9000, 9000, 16)));
    assertThat(thrown.reason()).isEqualTo(FailureReason.TOO_MANY_PIXELS);
    assertThat(thrown.getMessage())
        .isEqualTo("a 9000x9000 image/png decodes to 486 MB, above the decoder's limit of 300 MB");
  }

  @Test
  void aProgressiveJpegIsHeldToItsCoefficientBudgetAndABaselineOneIsNot() throws Exception {
    byte[] progressive =
        TestPictures.withFrameSize(ImageDecoderTest.progressiveJpeg(96, 64), 6000, 6000);
    byte[] baseline =
        TestPictures.withFrameSize(
            TestPictures.encode(new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB), "jpeg"),
            6000,
            6000);

    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class, () -> check(budget, ImageFormat.JPEG, progressive));
    assertThat(thrown.reason()).isEqualTo(FailureReason.TOO_MANY_PIXELS);
    assertThat(thrown.getMessage()).startsWith("a 6000x6000 progressive JPEG needs ");
    assertThatCode(() -> check(budget, ImageFormat.JPEG, baseline)).doesNotThrowAnyException();
  }

  @Test
  void aTiffStripDecodedWholeIsLimitedToTheBitmapBudget() throws Exception {
    assertThatCode(() -> check(budget, ImageFormat.TIFF, TestPictures.tiffOneStrip(4096, 4096)))
        .doesNotThrowAnyException();
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () -> check(budget, ImageFormat.TIFF, TestPictures.tiffOneStrip(4097, 4096)));
    assertThat(thrown.getMessage()).contains("in one strip or tile, decoded whole");
  }

  @Test
  void aWebpIsLimitedToTheBitmapBudgetBecauseItIsDecodedAtFullSize() throws Exception {
    assertThatCode(
            () -> check(budget, ImageFormat.WEBP, TestPictures.zeroBitLosslessWebp(4096, 4096)))
        .doesNotThrowAnyException();
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () -> check(budget, ImageFormat.WEBP, TestPictures.zeroBitLosslessWebp(4097, 4096)));
    assertThat(thrown.getMessage()).contains("WebP is decoded at full size");
  }

  @Test
  void aBmpHeaderTheReaderWouldTrustBlindlyIsRefusedBeforeReading() {
    byte[] embedsJpeg = TestPictures.bmpHeader(4, 0x7FFFFFF0);
    byte[] declaresTooMuch = TestPictures.bmpHeader(0, 1_000_000);
    byte[] plain = TestPictures.bmpHeader(0, 16);

    assertThat(refusal(embedsJpeg)).isEqualTo(FailureReason.UNSUPPORTED_TYPE);
    assertThat(refusal(declaresTooMuch)).isEqualTo(FailureReason.CORRUPT);
    assertThatCode(() -> DecodeBudget.checkBeforeReading(ImageFormat.BMP, plain))
        .doesNotThrowAnyException();
    // Only BMP headers are read here.
    assertThatCode(() -> DecodeBudget.checkBeforeReading(ImageFormat.PNG, embedsJpeg))
        .doesNotThrowAnyException();
  }

  @Test
  void theInputStopsAReaderThatKeepsReadingPastTheEnd() throws Exception {
    try (ImageInputStream in = DecodeBudget.input(new byte[] {1, 2})) {
      assertThat(in.read()).isEqualTo(1);
      assertThat(in.read()).isEqualTo(2);
      for (int i = 0; i < EofLimitedInput.MAX_READS_PAST_END; i++) {
        assertThat(in.read()).isEqualTo(-1); // a reader may peek past the end a few times
      }
      // Unchecked, so that no reader's catch (IOException) swallows it.
      assertThatThrownBy(in::read).isInstanceOf(EofLimitedInput.TruncatedImageException.class);
    }
  }

  @Test
  void aLongThinImageIsSubsampledToTheDecodeBudgetWhateverTheRequestedSize() {
    // 40000x1000 = 40 MP, within the pixel limit but over the 16.7 MP decode budget.
    assertThat(DecodeBudget.subsamplingStep(40_000, 1_000)).isEqualTo(2);
    assertThat(DecodeBudget.subsamplingStep(100_000, 1_000)).isEqualTo(3);
    assertThat(DecodeBudget.subsamplingStep(4096, 4096)).isEqualTo(1);
    long decodedPixels = (100_000L / 3) * (1_000 / 3);
    assertThat(decodedPixels).isLessThanOrEqualTo(DecodeBudget.MAX_DECODED_PIXELS);
  }

  private FailureReason refusal(byte[] bmp) {
    return catchThrowableOfType(
            ClassificationException.class,
            () -> DecodeBudget.checkBeforeReading(ImageFormat.BMP, bmp))
        .reason();
  }

  /** Reads the header with the reader the decoder would use, then checks it. */
  private static void check(DecodeBudget budget, ImageFormat format, byte[] data) throws Exception {
    ImageReader reader = ImageDecoder.readerFor(format);
    try (ImageInputStream in = DecodeBudget.input(data)) {
      reader.setInput(in, true, true);
      budget.check(reader, format, data, reader.getWidth(0), reader.getHeight(0));
    } finally {
      reader.dispose();
    }
  }
}
