package io.autotag.shared.image;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.ImageSize;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes untrusted image bytes for a model, safely. The format comes from the magic bytes; the
 * dimensions from the header, checked against a pixel limit before any pixel is decoded (a
 * decompression bomb is a tiny file that declares a huge image); the pixels are decoded subsampled
 * so that the result is only as large as the model needs, which keeps memory bounded whatever the
 * file declares. What subsampling cannot make cheap (too many decoded samples, a large progressive
 * JPEG, a TIFF strip decoded whole, a large WebP) is refused from the header by its {@link
 * DecodeBudget}, so that an accepted image costs at most a few times a normal photo (about 10x for
 * a progressive JPEG at its limit). JPEG and WebP go through the TwelveMonkeys ImageIO plugins
 * (CMYK/YCCK JPEG, lossy and lossless WebP); PNG, GIF, BMP and TIFF through the JDK's readers.
 *
 * <p>Every failure is a permanent {@link ClassificationException}: {@link
 * FailureReason#UNSUPPORTED_TYPE} for bytes that are not an image or are a format this decoder does
 * not read, {@link FailureReason#CORRUPT} for truncated or damaged data, {@link
 * FailureReason#TOO_MANY_PIXELS} above the pixel limit or the decode-work limits, {@link
 * FailureReason#EMPTY} for no bytes. Messages never contain image data. Instances are immutable and
 * thread-safe; each call uses its own reader.
 */
public final class ImageDecoder {

  /** 100 megapixels: a large camera photo passes, a decompression bomb does not. */
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

  /** The setting that overrides {@link #DEFAULT_MAX_PIXELS}. */
  public static final String MAX_PIXELS_VARIABLE = "AUTOTAG_MAX_PIXELS";

  /** The formats this decoder reads. */
  public static final Set<ImageFormat> FORMATS =
      Set.copyOf(
          EnumSet.of(
              ImageFormat.JPEG,
              ImageFormat.PNG,
              ImageFormat.GIF,
              ImageFormat.BMP,
              ImageFormat.WEBP,
              ImageFormat.TIFF));

  private static final ImageReaderSpi JPEG_SPI = new JPEGImageReaderSpi();
  private static final ImageReaderSpi WEBP_SPI = new WebPImageReaderSpi();

  static {
    // Register explicitly rather than trusting the class-path scan: in Lambda the function's jars
    // are not on the system class path that ImageIO scans at first use, and the JPEG plugin finds
    // the JDK reader it delegates to only once registered.
    IIORegistry registry = IIORegistry.getDefaultInstance();
    registry.registerServiceProvider(JPEG_SPI, ImageReaderSpi.class);
    registry.registerServiceProvider(WEBP_SPI, ImageReaderSpi.class);
  }

  private final DecodeBudget budget;

  private ImageDecoder(long maxPixels) {
    this.budget = new DecodeBudget(maxPixels);
  }

  public static ImageDecoder create() {
    return new ImageDecoder(DEFAULT_MAX_PIXELS);
  }

  /** A decoder that refuses images whose header declares more than {@code maxPixels} pixels. */
  public static ImageDecoder create(long maxPixels) {
    return new ImageDecoder(maxPixels);
  }

  public long maxPixels() {
    return budget.maxPixels();
  }

  /**
   * Decodes the whole image at full size (subject to the pixel limit). Prefer {@link
   * #decode(byte[], int, int)} for a model with a fixed input size.
   */
  public DecodedImage decode(byte[] data) throws ClassificationException {
    return decode(data, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /**
   * Decodes the image, upright, subsampled by the largest whole factor that still leaves it at
   * least {@code minWidth x minHeight} (or full size when it is smaller than that).
   */
  public DecodedImage decode(byte[] data, int minWidth, int minHeight)
      throws ClassificationException {
    return decode(data, null, minWidth, minHeight);
  }

  /**
   * The same for an input whose format was recognised when it was read: its magic bytes are not
   * looked at again.
   */
  public DecodedImage decode(ImageInput.Bytes image, int minWidth, int minHeight)
      throws ClassificationException {
    return decode(image.data(), image.format().orElse(null), minWidth, minHeight);
  }

  /** {@code known}: the format recognised earlier, or {@code null} to recognise it here. */
  private DecodedImage decode(byte[] data, ImageFormat known, int minWidth, int minHeight)
      throws ClassificationException {
    if (data.length == 0) {
      throw new ClassificationException(FailureReason.EMPTY, "the image has no bytes");
    }
    Optional<ImageFormat> sniffed = known != null ? Optional.of(known) : ImageFormat.sniff(data);
    if (sniffed.isEmpty()) {
      throw new ClassificationException(
          FailureReason.UNSUPPORTED_TYPE, "not an image: unrecognised file signature");
    }
    ImageFormat format = sniffed.get();
    if (!FORMATS.contains(format)) {
      throw new ClassificationException(
          FailureReason.UNSUPPORTED_TYPE, "unsupported image format " + format.mediaType());
    }
    DecodeBudget.checkBeforeReading(format, data);
    ImageReader reader = readerFor(format);
    List<String> warnings = new ArrayList<>();
    try (ImageInputStream in = DecodeBudget.input(data)) {
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      if (width <= 0 || height <= 0) {
        throw corrupt(format, null);
      }
      budget.check(reader, format, data, width, height);
      int orientation = format == ImageFormat.JPEG ? ExifOrientation.read(data) : 1;
      boolean swap = ExifOrientation.swapsAxes(orientation);
      // The minimum applies to the upright image: swap it back into the stored orientation.
      int step =
          Math.max(
              subsampling(width, height, swap ? minHeight : minWidth, swap ? minWidth : minHeight),
              DecodeBudget.subsamplingStep(width, height));
      ImageReadParam param = reader.getDefaultReadParam();
      if (step > 1) {
        param.setSourceSubsampling(step, step, 0, 0);
      }

      reader.addIIOReadWarningListener(warningCollector(warnings));
      BufferedImage image = reader.read(0, param);
      if (warnings.stream().anyMatch(ImageDecoder::meansTruncated)) {
        // The JPEG readers report a truncated file as a warning and fill the rest with grey.
        throw corrupt(format, null);
      }
      int w = image.getWidth();
      int h = image.getHeight();
      int[] rgb = ExifOrientation.apply(RgbPixels.of(image), w, h, orientation);
      return new DecodedImage(
          swap ? h : w, swap ? w : h, rgb, new ImageSize(width, height), format);
    } catch (ClassificationException e) {
      throw e;
    } catch (IOException e) {
      throw corrupt(format, e);
    } catch (RuntimeException e) {
      // Decoders signal some damaged streams with unchecked exceptions (array bounds, illegal
      // state); for an untrusted file that is still "damaged", not a bug of ours.
      throw corrupt(format, e);
    } finally {
      reader.dispose();
    }
  }

  /** Reads only the header: the declared size, without decoding pixels or checking the limit. */
  public ImageSize size(byte[] data) throws ClassificationException {
    ImageFormat format =
        ImageFormat.sniff(data)
            .filter(FORMATS::contains)
            .orElseThrow(
                () ->
                    new ClassificationException(
                        FailureReason.UNSUPPORTED_TYPE, "not a supported image"));
    ImageReader reader = readerFor(format);
    try (ImageInputStream in = DecodeBudget.input(data)) {
      reader.setInput(in, true, true);
      return new ImageSize(reader.getWidth(0), reader.getHeight(0));
    } catch (IOException | RuntimeException e) {
      throw corrupt(format, e);
    } finally {
      reader.dispose();
    }
  }

  static int subsampling(int width, int height, int minWidth, int minHeight) {
    int byWidth = Math.max(1, width / Math.max(1, minWidth));
    int byHeight = Math.max(1, height / Math.max(1, minHeight));
    return Math.min(byWidth, byHeight);
  }

  static ImageReader readerFor(ImageFormat format) throws ClassificationException {
    try {
      return switch (format) {
        case JPEG -> JPEG_SPI.createReaderInstance();
        case WEBP -> WEBP_SPI.createReaderInstance();
        default -> {
          Iterator<ImageReader> readers =
              ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
          if (!readers.hasNext()) {
            throw new ClassificationException(
                FailureReason.UNSUPPORTED_TYPE, "no decoder for " + format.mediaType());
          }
          yield readers.next();
        }
      };
    } catch (IOException e) {
      throw new IllegalStateException("cannot create an image reader", e);
    }
  }

  private static IIOReadWarningListener warningCollector(List<String> warnings) {
    return (source, warning) -> warnings.add(warning);
  }

  /**
   * Whether a reader warning means missing data. Other warnings (a CMYK JPEG without an ICC
   * profile, stray bytes between markers) still leave a usable picture.
   */
  static boolean meansTruncated(String warning) {
    String w = warning.toLowerCase(Locale.ROOT);
    return w.contains("truncated") || w.contains("premature end");
  }

  static ClassificationException corrupt(ImageFormat format, Throwable cause) {
    return new ClassificationException(
        FailureReason.CORRUPT,
        "the " + format.mediaType() + " image is truncated or damaged",
        cause);
  }
}
