package io.autotag.shared.image;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * What an untrusted image may cost to decode, checked from its header before any pixel is decoded
 * (issue 9): the declared pixels against the configured limit, then what subsampling cannot make
 * cheap, so that every accepted image costs at most a few times a normal photo, about 10x for a
 * progressive JPEG at its limit (benchmarks/decode-bound.sh measures it):
 *
 * <ul>
 *   <li>too many decoded samples for any reader ({@link #MAX_DECODE_BYTES});
 *   <li>a progressive JPEG above its coefficient budget ({@link #MAX_PROGRESSIVE_JPEG_BYTES});
 *   <li>a TIFF strip or tile, which its reader decodes whole, above {@link #MAX_DECODED_PIXELS};
 *   <li>a WebP above the same, because its reader decodes at full size and subsamples afterwards;
 *   <li>a BMP whose header makes the JDK reader allocate what the file does not hold;
 *   <li>a reader that keeps decoding past the end of the data ({@link EofLimitedInput}).
 * </ul>
 *
 * <p>It also picks the subsampling that keeps the decoded bitmap within {@link
 * #MAX_DECODED_PIXELS}. Every refusal is a {@link ClassificationException}: {@link
 * FailureReason#TOO_MANY_PIXELS} for too much work, {@link FailureReason#UNSUPPORTED_TYPE} or
 * {@link FailureReason#CORRUPT} for a BMP header the reader would trust blindly.
 */
final class DecodeBudget {

  /** The most pixels a decoded bitmap holds (64 MB of packed RGB); larger images are subsampled. */
  static final long MAX_DECODED_PIXELS = 4096L * 4096;

  /**
   * The most bytes of decoded samples a reader may produce on its way to the subsampled bitmap
   * (width x height x bits per pixel): the readers decode every row whatever the subsampling, so
   * their work grows with this, not with the output. 300 MB is 100 MP of 8-bit RGB: a 16-bit RGB
   * PNG may have half as many pixels.
   */
  static final long MAX_DECODE_BYTES = 300_000_000L;

  /**
   * The most DCT coefficient memory a progressive JPEG may need (see {@link JpegFrame}): 100 MB
   * takes a 33 MP photo with 4:2:0 chroma, 25 MP at 4:2:2 (what many cameras write), 16 MP at 4:4:4
   * (what image editors export at high quality). The first bound, 40 MB, refused real 13-16 MP
   * progressive photos (wallpapers of the evaluation set). Measured (benchmarks/decode-bound.sh): a
   * 33 MP progressive JPEG at this limit costs about 10x the time and 1.4x the peak RSS of a
   * baseline 12 MP photo (the JDK decodes progressive scans several times slower per pixel); a real
   * 16 MP one about 7x and 1.4x.
   */
  static final long MAX_PROGRESSIVE_JPEG_BYTES = 100_000_000L;

  private final long maxPixels;

  DecodeBudget(long maxPixels) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be positive");
    }
    this.maxPixels = maxPixels;
  }

  long maxPixels() {
    return maxPixels;
  }

  /**
   * The bytes as a reader's input that fails once the reader has run into the end of the data a few
   * times, instead of letting it decode zeros for minutes.
   */
  static ImageInputStream input(byte[] data) {
    return new EofLimitedInput(data);
  }

  /**
   * Checks what must be refused before a reader sees the bytes: BMPs the JDK reader would trust
   * blindly (compression 4 and 5 embed a JPEG or PNG whose declared length the reader allocates up
   * front: a 70-byte file can ask for 2 GB).
   */
  static void checkBeforeReading(ImageFormat format, byte[] data) throws ClassificationException {
    if (format != ImageFormat.BMP || data.length < 38 || littleEndianInt(data, 14) < 40) {
      return; // OS/2 and core BMP headers carry no compression field; the reader checks the rest.
    }
    int compression = littleEndianInt(data, 30);
    if (compression == 4 || compression == 5) {
      throw new ClassificationException(
          FailureReason.UNSUPPORTED_TYPE, "BMP with an embedded JPEG or PNG is not supported");
    }
    long declaredSize = littleEndianInt(data, 34) & 0xFFFFFFFFL;
    if (declaredSize > data.length) {
      throw ImageDecoder.corrupt(ImageFormat.BMP, null); // declares more data than the file holds
    }
  }

  /**
   * Checks the header {@code reader} has read ({@code width x height}, as declared) against the
   * pixel limit and the decode-work limits.
   */
  void check(ImageReader reader, ImageFormat format, byte[] data, int width, int height)
      throws IOException, ClassificationException {
    long pixels = (long) width * height;
    if (pixels > maxPixels) {
      throw new ClassificationException(
          FailureReason.TOO_MANY_PIXELS,
          "image is "
              + width
              + "x"
              + height
              + " pixels, above the limit of "
              + maxPixels
              + " pixels");
    }
    String size = width + "x" + height;
    long decodedBytes = pixels * bitsPerPixel(reader) / 8;
    if (decodedBytes > MAX_DECODE_BYTES) {
      throw tooMuchWork(
          "a " + size + " " + format.mediaType() + " decodes to " + megabytes(decodedBytes),
          megabytes(MAX_DECODE_BYTES));
    }
    switch (format) {
      case JPEG -> {
        JpegFrame frame = JpegFrame.read(data).orElse(null);
        if (frame != null
            && frame.progressive()
            && frame.coefficientBytes() > MAX_PROGRESSIVE_JPEG_BYTES) {
          throw tooMuchWork(
              "a " + size + " progressive JPEG needs " + megabytes(frame.coefficientBytes()),
              megabytes(MAX_PROGRESSIVE_JPEG_BYTES));
        }
      }
      case WEBP -> {
        if (pixels > MAX_DECODED_PIXELS) {
          throw tooMuchWork(
              "a " + size + " WebP is decoded at full size", MAX_DECODED_PIXELS + " pixels");
        }
      }
      case TIFF -> {
        long unit = (long) reader.getTileWidth(0) * reader.getTileHeight(0);
        if (unit > MAX_DECODED_PIXELS) {
          throw tooMuchWork(
              "this "
                  + size
                  + " TIFF stores "
                  + unit
                  + " pixels in one strip or tile, decoded whole",
              MAX_DECODED_PIXELS + " pixels");
        }
      }
      default -> {
        // PNG, GIF and BMP readers decode row by row: the decoded-bytes budget bounds them.
      }
    }
  }

  /**
   * The subsampling that keeps the decoded bitmap within {@link #MAX_DECODED_PIXELS}, whatever the
   * requested minimum: a 100000x1000 image is within the pixel limit, but decoding all of it would
   * take hundreds of MB of heap for a picture no classifier needs at that size.
   */
  static int subsamplingStep(int width, int height) {
    double pixels = (double) width * height;
    return pixels <= MAX_DECODED_PIXELS
        ? 1
        : (int) Math.ceil(Math.sqrt(pixels / MAX_DECODED_PIXELS));
  }

  /** Bits per pixel as stored (before conversion to RGB); 32 when the reader does not say. */
  private static int bitsPerPixel(ImageReader reader) throws IOException {
    ImageTypeSpecifier raw = reader.getRawImageType(0);
    if (raw == null) {
      Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
      raw = types.hasNext() ? types.next() : null;
    }
    if (raw == null) {
      return 32;
    }
    int bits = 0;
    for (int size : raw.getSampleModel().getSampleSize()) {
      bits += size;
    }
    return Math.max(bits, 1);
  }

  private static ClassificationException tooMuchWork(String what, String limit) {
    return new ClassificationException(
        FailureReason.TOO_MANY_PIXELS, what + ", above the decoder's limit of " + limit);
  }

  private static String megabytes(long bytes) {
    return (bytes + 999_999) / 1_000_000 + " MB";
  }

  private static int littleEndianInt(byte[] data, int offset) {
    return (data[offset] & 0xFF)
        | (data[offset + 1] & 0xFF) << 8
        | (data[offset + 2] & 0xFF) << 16
        | (data[offset + 3] & 0xFF) << 24;
  }
}
