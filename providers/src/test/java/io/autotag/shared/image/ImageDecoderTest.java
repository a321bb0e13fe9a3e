package io.autotag.shared.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageSize;
import java.awt.Color;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {

  private static final int RED = 0xFF0000;
  private static final int BLUE = 0x0000FF;
  private static final int WHITE = 0xFFFFFF;

  private final ImageDecoder decoder = ImageDecoder.create();

  @ParameterizedTest
  @ValueSource(strings = {"png", "bmp", "gif"})
  void decodesLosslessFormatsExactly(String format) throws Exception {
    byte[] data =
        TestPictures.encode(
            TestPictures.halves(BufferedImage.TYPE_INT_RGB, 40, 20, Color.RED, Color.BLUE), format);

    DecodedImage image = decoder.decode(data);

    assertThat(image.format().name()).isEqualToIgnoringCase(format);
    assertThat(image.originalSize()).isEqualTo(new ImageSize(40, 20));
    assertThat(image.width()).isEqualTo(40);
    assertThat(image.height()).isEqualTo(20);
    assertThat(image.rgbAt(5, 10)).isEqualTo(RED);
    assertThat(image.rgbAt(35, 10)).isEqualTo(BLUE);
  }

  @Test
  void decodesJpegApproximately() throws Exception {
    byte[] data =
        TestPictures.encode(
            TestPictures.halves(BufferedImage.TYPE_INT_RGB, 64, 32, Color.RED, Color.BLUE), "jpg");

    DecodedImage image = decoder.decode(data);

    assertThat(image.format()).isEqualTo(ImageFormat.JPEG);
    assertClose(image.rgbAt(8, 16), RED);
    assertClose(image.rgbAt(56, 16), BLUE);
  }

  @Test
  void decodesProgressiveJpegToItsFinalPass() throws Exception {
    BufferedImage picture = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 96; x++) {
        picture.setRGB(x, y, (x * 2) << 16 | (y * 3) << 8 | ((x + y) % 256));
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(picture, null, null), param);
    } finally {
      writer.dispose();
    }
    byte[] progressive = out.toByteArray();
    // Every scan rendered, the JDK's way: the reference for the final image.
    BufferedImage reference = ImageIO.read(new ByteArrayInputStream(progressive));

    DecodedImage image = decoder.decode(progressive);

    assertThat(image.width()).isEqualTo(96);
    int worst = 0;
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 96; x++) {
        worst = Math.max(worst, channelDifference(image.rgbAt(x, y), reference.getRGB(x, y)));
      }
    }
    // The final image, not an early pass (an early pass is blocky: off by tens of levels). Asking
    // ImageIO for the final pass only would be about 4x faster, but libjpeg then applies block
    // smoothing meant for incomplete scans to the complete image (measured: mean error 7.7 levels
    // on a real photo), so the decoder renders every pass.
    assertThat(worst).isZero();
  }

  @Test
  void decodesCmykJpegToTheRightColours() throws Exception {
    DecodedImage image = decoder.decode(TestPictures.resource("cmyk.jpg"));

    assertThat(image.originalSize()).isEqualTo(new ImageSize(48, 32));
    assertClose(image.rgbAt(6, 16), RED);
    assertClose(image.rgbAt(42, 16), BLUE);
  }

  @Test
  void decodesLossyWebp() throws Exception {
    DecodedImage image = decoder.decode(TestPictures.resource("lossy.webp"));

    assertThat(image.format()).isEqualTo(ImageFormat.WEBP);
    assertThat(image.originalSize()).isEqualTo(new ImageSize(48, 32));
    assertClose(image.rgbAt(6, 16), RED);
    assertClose(image.rgbAt(42, 16), BLUE);
  }

  @Test
  void decodesLosslessWebpWithAlphaOnWhite() throws Exception {
    DecodedImage image = decoder.decode(TestPictures.resource("lossless.webp"));

    assertThat(image.rgbAt(6, 16)).isEqualTo(RED);
    assertThat(image.rgbAt(42, 16)).isEqualTo(WHITE);
  }

  @Test
  void compositesPngAlphaOnWhite() throws Exception {
    BufferedImage argb =
        TestPictures.halves(
            BufferedImage.TYPE_INT_ARGB, 20, 10, new Color(255, 0, 0, 255), new Color(0, 0, 0, 0));
    argb.setRGB(10, 0, 0x800000FF); // half-transparent blue

    DecodedImage image = decoder.decode(TestPictures.encode(argb, "png"));

    assertThat(image.rgbAt(2, 5)).isEqualTo(RED);
    assertThat(image.rgbAt(15, 5)).isEqualTo(WHITE);
    assertThat(image.rgbAt(10, 0)).isEqualTo(0x7F7FFF);
  }

  @Test
  void readsGreyPngWithoutBrighteningIt() throws Exception {
    BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(0, 0, 0, 64);
    grey.getRaster().setSample(1, 0, 0, 200);

    DecodedImage image = decoder.decode(TestPictures.encode(grey, "png"));

    assertThat(image.rgbAt(0, 0)).isEqualTo(0x404040);
    assertThat(image.rgbAt(1, 0)).isEqualTo(0xC8C8C8);
  }

  @Test
  void reads16BitGreyPngScaledTo8Bits() throws Exception {
    BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
    grey.getRaster().setSample(0, 0, 0, 0x8080);
    grey.getRaster().setSample(1, 0, 0, 0xFFFF);

    DecodedImage image = decoder.decode(TestPictures.encode(grey, "png"));

    assertThat(image.rgbAt(0, 0)).isEqualTo(0x808080);
    assertThat(image.rgbAt(1, 0)).isEqualTo(WHITE);
    assertThat(image.rgbAt(2, 0)).isEqualTo(0);
  }

  @Test
  void reads16BitRgbPng() throws Exception {
    ComponentColorModel model =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = model.createCompatibleWritableRaster(8, 4);
    for (int x = 0; x < 8; x++) {
      for (int y = 0; y < 4; y++) {
        raster.setPixel(x, y, x < 4 ? new int[] {0xFFFF, 0, 0} : new int[] {0, 0, 0xFFFF});
      }
    }
    BufferedImage image16 = new BufferedImage(model, raster, false, null);

    DecodedImage image = decoder.decode(TestPictures.encode(image16, "png"));

    assertThat(image.rgbAt(1, 1)).isEqualTo(RED);
    assertThat(image.rgbAt(6, 1)).isEqualTo(BLUE);
  }

  @Test
  void decodesLargeImagesSubsampledButNotBelowTheMinimum() throws Exception {
    byte[] data =
        TestPictures.encode(
            TestPictures.halves(BufferedImage.TYPE_INT_RGB, 1000, 600, Color.RED, Color.BLUE),
            "png");

    DecodedImage image = decoder.decode(data, 224, 224);

    // 600 / 224 = 2: every second pixel, so 500x300, both sides still at least 224.
    assertThat(image.width()).isEqualTo(500);
    assertThat(image.height()).isEqualTo(300);
    assertThat(image.originalSize()).isEqualTo(new ImageSize(1000, 600));
    assertThat(image.rgbAt(10, 10)).isEqualTo(RED);
    assertThat(image.rgbAt(490, 10)).isEqualTo(BLUE);
  }

  @Test
  void subsamplingPicksTheLargestStepThatKeepsBothSides() {
    assertThat(ImageDecoder.subsampling(4000, 3000, 512, 512)).isEqualTo(5);
    assertThat(ImageDecoder.subsampling(300, 300, 512, 512)).isEqualTo(1);
    assertThat(ImageDecoder.subsampling(10000, 100, 16, 16)).isEqualTo(6);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void turnsExifRotatedJpegUpright(boolean bigEndian) throws Exception {
    // Stored as the sensor saw it: 64 wide, red on the left. Orientation 6 asks the viewer to turn
    // it 90 degrees clockwise, which puts the red half on top.
    byte[] stored =
        TestPictures.encode(
            TestPictures.halves(BufferedImage.TYPE_INT_RGB, 64, 32, Color.RED, Color.BLUE), "jpg");

    DecodedImage image = decoder.decode(TestPictures.withExifOrientation(stored, 6, bigEndian));

    assertThat(image.width()).isEqualTo(32);
    assertThat(image.height()).isEqualTo(64);
    assertThat(image.originalSize()).isEqualTo(new ImageSize(64, 32));
    assertClose(image.rgbAt(16, 8), RED);
    assertClose(image.rgbAt(16, 56), BLUE);
  }

  @Test
  void orientation8TurnsTheOtherWay() throws Exception {
    byte[] stored =
        TestPictures.encode(
            TestPictures.halves(BufferedImage.TYPE_INT_RGB, 64, 32, Color.RED, Color.BLUE), "jpg");

    DecodedImage image = decoder.decode(TestPictures.withExifOrientation(stored, 8, false));

    assertClose(image.rgbAt(16, 8), BLUE);
    assertClose(image.rgbAt(16, 56), RED);
  }

  @Test
  void refusesADecompressionBombFromItsHeader() {
    byte[] bomb = TestPictures.pngBomb(100_000, 100_000);
    assertThat(bomb.length).isLessThan(1024);

    assertThatThrownBy(() -> decoder.decode(bomb))
        .isInstanceOfSatisfying(
            ClassificationException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(FailureReason.TOO_MANY_PIXELS);
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("100000x100000");
            });
  }

  @Test
  void pixelLimitIsConfigurable() throws Exception {
    byte[] data =
        TestPictures.encode(new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB), "png");

    assertThat(ImageDecoder.create(10_000).decode(data).width()).isEqualTo(100);
    assertThatThrownBy(() -> ImageDecoder.create(9_999).decode(data))
        .extracting(e -> ((ClassificationException) e).reason())
        .isEqualTo(FailureReason.TOO_MANY_PIXELS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jpg", "png", "gif", "bmp"})
  void truncatedImagesAreCorrupt(String format) {
    BufferedImage noisy = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < 64 * 64; i++) {
      noisy.setRGB(i % 64, i / 64, i * 2654435761L > 0 ? (int) (i * 2654435761L) : i);
    }
    byte[] full = TestPictures.encode(noisy, format);
    byte[] truncated = Arrays.copyOf(full, full.length / 2);

    assertThatThrownBy(() -> decoder.decode(truncated))
        .isInstanceOfSatisfying(
            ClassificationException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(FailureReason.CORRUPT);
              assertThat(e.getMessage()).contains("truncated or damaged");
            });
  }

  @Test
  void truncatedWebpIsCorrupt() {
    byte[] full = TestPictures.resource("lossy.webp");

    assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(full, 40)))
        .extracting(e -> ((ClassificationException) e).reason())
        .isEqualTo(FailureReason.CORRUPT);
  }

  @Test
  void aSignatureFollowedByGarbageIsCorrupt() {
    byte[] data = new byte[200];
    System.arraycopy(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, 0, data, 0, 8);
    Arrays.fill(data, 8, data.length, (byte) 0x5A);

    assertThatThrownBy(() -> decoder.decode(data))
        .extracting(e -> ((ClassificationException) e).reason())
        .isEqualTo(FailureReason.CORRUPT);
  }

  @Test
  void textIsNotAnImage() {
    byte[] text = "hello, this is not a picture".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> decoder.decode(text))
        .isInstanceOfSatisfying(
            ClassificationException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(FailureReason.UNSUPPORTED_TYPE);
              assertThat(e.getMessage()).doesNotContain("hello");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"halves-baseline.tif", "halves-lzw.tif"})
  void decodesTiffWrittenByImageMagick(String name) throws Exception {
    // Written by ImageMagick (convert ... -compress none / lzw), not by the JDK under test.
    DecodedImage image = decoder.decode(TestPictures.resource(name));

    assertThat(image.format()).isEqualTo(ImageFormat.TIFF);
    assertThat(image.originalSize()).isEqualTo(new ImageSize(64, 32));
    assertThat(image.rgbAt(5, 10)).isEqualTo(RED);
    assertThat(image.rgbAt(60, 10)).isEqualTo(BLUE);
  }

  @Test
  void aTiffWhoseOneStripHoldsTheWholeLargeImageIsRefused() {
    // 5000x5000 in one strip: the JDK reader decodes a strip whole, whatever the subsampling.
    byte[] tiff = TestPictures.tiffOneStrip(5000, 5000);

    ClassificationException thrown =
        catchThrowableOfType(ClassificationException.class, () -> decoder.decode(tiff, 512, 512));

    assertThat(thrown.reason()).isEqualTo(FailureReason.TOO_MANY_PIXELS);
    assertThat(thrown.getMessage()).contains("one strip or tile");
  }

  @Test
  void aSmallTiffInOneStripDecodes() throws Exception {
    DecodedImage image = decoder.decode(TestPictures.tiffOneStrip(300, 200));

    assertThat(image.format()).isEqualTo(ImageFormat.TIFF);
    assertThat(image.width()).isEqualTo(300);
  }

  @Test
  void aLargeProgressiveJpegIsRefusedFromItsFrameHeader() throws Exception {
    // A real progressive JPEG whose frame header is made to declare 6000x6000 (4:2:0: 108 MB of
    // coefficients, which libjpeg would hold at once): refused before any scan is read.
    byte[] jpeg = TestPictures.withFrameSize(progressiveJpeg(96, 64), 6000, 6000);

    ClassificationException thrown =
        catchThrowableOfType(ClassificationException.class, () -> decoder.decode(jpeg, 512, 512));

    assertThat(thrown.reason()).isEqualTo(FailureReason.TOO_MANY_PIXELS);
    assertThat(thrown.getMessage()).contains("progressive JPEG");
  }

  @Test
  void aTwelveMegapixelProgressiveJpegIsWithinTheCoefficientBudget() throws Exception {
    byte[] jpeg = TestPictures.withFrameSize(progressiveJpeg(96, 64), 4000, 3000);

    JpegFrame frame = JpegFrame.read(jpeg).orElseThrow();

    // 4:2:0: 500x375 luma blocks and 250x188 of each chroma, 128 bytes a block.
    assertThat(frame.progressive()).isTrue();
    assertThat(frame.coefficientBytes()).isEqualTo((500L * 375 + 2L * 250 * 188) * 128);
    assertThat(frame.coefficientBytes())
        .isLessThanOrEqualTo(DecodeBudget.MAX_PROGRESSIVE_JPEG_BYTES);
    // Its scans are far too short for 4000x3000: damaged, not refused as too much work.
    ClassificationException thrown =
        catchThrowableOfType(ClassificationException.class, () -> decoder.decode(jpeg, 512, 512));
    assertThat(thrown.reason()).isEqualTo(FailureReason.CORRUPT);
  }

  @Test
  void aBaselineJpegOfTheSameSizeIsNotRefusedForIt() throws Exception {
    byte[] jpeg =
        TestPictures.withFrameSize(
            TestPictures.encode(
                TestPictures.halves(BufferedImage.TYPE_INT_RGB, 96, 64, Color.RED, Color.BLUE),
                "jpg"),
            6000,
            6000);

    // Its scans are far too short for 6000x6000: damaged, but not refused as too much work.
    ClassificationException thrown =
        catchThrowableOfType(ClassificationException.class, () -> decoder.decode(jpeg, 512, 512));

    assertThat(thrown.reason()).isEqualTo(FailureReason.CORRUPT);
  }

  @Test
  void a16BitPngIsLimitedByItsDecodedBytesNotOnlyItsPixels() {
    // 9000x9000 = 81 MP, inside the 100 MP limit; 16-bit RGB makes it 486 MB of samples.
    byte[] png = TestPictures.pngBomb(9000, 9000, 16);

    ClassificationException thrown =
        catchThrowableOfType(ClassificationException.class, () -> decoder.decode(png, 512, 512));

    assertThat(thrown.reason()).isEqualTo(FailureReason.TOO_MANY_PIXELS);
    assertThat(thrown.getMessage()).contains("486 MB");
  }

  @Test
  void aLargeWebpIsRefusedBecauseItsReaderDecodesAtFullSize() {
    byte[] webp = TestPictures.zeroBitLosslessWebp(10_000, 10_000);

    ClassificationException thrown =
        catchThrowableOfType(ClassificationException.class, () -> decoder.decode(webp, 512, 512));

    assertThat(thrown.reason()).isEqualTo(FailureReason.TOO_MANY_PIXELS);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS) // only bounds a hang: the fix ends it at once
  void aWebpThatRunsPastItsEndIsCorruptInsteadOfDecodingZerosForever() {
    // 34 bytes declaring 4000x4000: the WebP bit reader swallows every end-of-stream and goes on,
    // which took minutes of CPU for 100 MP before the input stream stopped it.
    byte[] webp = TestPictures.zeroBitLosslessWebp(4000, 4000);

    ClassificationException thrown =
        catchThrowableOfType(ClassificationException.class, () -> decoder.decode(webp, 512, 512));

    assertThat(thrown.reason()).isEqualTo(FailureReason.CORRUPT);
  }

  @Test
  void noBytesIsEmpty() {
    assertThatThrownBy(() -> decoder.decode(new byte[0]))
        .extracting(e -> ((ClassificationException) e).reason())
        .isEqualTo(FailureReason.EMPTY);
  }

  @Test
  void sizeReadsOnlyTheHeader() throws Exception {
    assertThat(decoder.size(TestPictures.pngBomb(50_000, 40_000)))
        .isEqualTo(new ImageSize(50_000, 40_000));
  }

  private static int channelDifference(int a, int b) {
    int worst = 0;
    for (int shift = 0; shift <= 16; shift += 8) {
      worst = Math.max(worst, Math.abs((a >> shift & 0xFF) - (b >> shift & 0xFF)));
    }
    return worst;
  }

  private static void assertClose(int actual, int expected) {
    for (int shift = 0; shift <= 16; shift += 8) {
      int a = actual >> shift & 0xFF;
      int e = expected >> shift & 0xFF;
      assertThat(Math.abs(a - e))
          .as("channel at bit %d of %06x vs %06x", shift, actual, expected)
          .isLessThanOrEqualTo(40);
    }
  }

  @Test
  void aBmpThatEmbedsAJpegWithAHugeDeclaredSizeIsRefusedBeforeAnyAllocation() {
    // 70 bytes: a 1x1 BMP whose header says "compression 4 (embedded JPEG), 2 GB of data".
    byte[] bmp = TestPictures.bmpHeader(4, 0x7FFFFFF0);

    ClassificationException thrown =
        catchThrowableOfType(ClassificationException.class, () -> decoder.decode(bmp));

    assertThat(thrown.reason()).isEqualTo(FailureReason.UNSUPPORTED_TYPE);
  }

  @Test
  void aBmpDeclaringMoreDataThanItHoldsIsCorrupt() {
    byte[] bmp = TestPictures.bmpHeader(0, 1_000_000);

    ClassificationException thrown =
        catchThrowableOfType(ClassificationException.class, () -> decoder.decode(bmp));

    assertThat(thrown.reason()).isEqualTo(FailureReason.CORRUPT);
  }

  static byte[] progressiveJpeg(int width, int height) throws Exception {
    BufferedImage picture =
        TestPictures.halves(BufferedImage.TYPE_INT_RGB, width, height, Color.RED, Color.BLUE);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(picture, null, null), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
