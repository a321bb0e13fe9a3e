package io.autotag.shared.image;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Shrinks an image that is larger than a provider accepts so it can still be classified: decodes it
 * with ImageIO (any plugin on the class path), scales it down keeping the aspect ratio until the
 * re-encoded JPEG fits the byte limit, and returns the JPEG. Huge images are subsampled while
 * decoding, so a decompression bomb never becomes a huge bitmap. An image ImageIO cannot decode is
 * a permanent {@link FailureReason#TOO_LARGE}: it is over the limit and cannot be made smaller.
 */
public final class Downscaler {

  /** Decode at most this many pixels; larger images are subsampled while reading. */
  public static final long DEFAULT_MAX_DECODE_PIXELS = 40_000_000L;

  private static final float JPEG_QUALITY = 0.85f;
  private static final int MIN_SIDE = 16;
  private static final int MAX_ATTEMPTS = 8;

  private final long maxDecodePixels;

  public Downscaler(long maxDecodePixels) {
    if (maxDecodePixels <= 0) {
      throw new IllegalArgumentException("maxDecodePixels must be positive");
    }
    this.maxDecodePixels = maxDecodePixels;
  }

  public static Downscaler create() {
    return new Downscaler(DEFAULT_MAX_DECODE_PIXELS);
  }

  /**
   * The image itself when it is at most {@code maxBytes}, otherwise a smaller JPEG of it that is.
   *
   * @throws ClassificationException {@link FailureReason#TOO_LARGE} when the image is too large and
   *     cannot be decoded or made small enough
   */
  public ImageInput.Bytes fit(ImageInput.Bytes image, long maxBytes)
      throws ClassificationException {
    byte[] data = image.data();
    if (data.length <= maxBytes) {
      return image;
    }
    BufferedImage decoded = decode(data);
    BufferedImage rgb = flatten(decoded);
    double scale =
        image.format().equals(Optional.of(ImageFormat.JPEG))
            ? Math.min(1.0, Math.sqrt((double) maxBytes / data.length) * 0.95)
            : 1.0;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      int width = Math.max(1, (int) Math.round(rgb.getWidth() * scale));
      int height = Math.max(1, (int) Math.round(rgb.getHeight() * scale));
      byte[] jpeg = encodeJpeg(scale >= 1.0 ? rgb : resize(rgb, width, height));
      if (jpeg.length <= maxBytes) {
        return new ImageInput.Bytes(jpeg, Optional.of(ImageFormat.JPEG));
      }
      if (Math.min(width, height) <= MIN_SIDE) {
        break;
      }
      scale *= Math.min(0.9, Math.sqrt((double) maxBytes / jpeg.length) * 0.95);
    }
    throw new ClassificationException(
        FailureReason.TOO_LARGE,
        "the image is " + data.length + " bytes and cannot be shrunk to " + maxBytes);
  }

  private BufferedImage decode(byte[] data) throws ClassificationException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw cannotDecode(data.length, null);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        ImageReadParam param = reader.getDefaultReadParam();
        if (pixels > maxDecodePixels) {
          int step = (int) Math.ceil(Math.sqrt((double) pixels / maxDecodePixels));
          param.setSourceSubsampling(step, step, 0, 0);
        }
        BufferedImage image = reader.read(0, param);
        if (image == null) {
          throw cannotDecode(data.length, null);
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // ImageIO plugins throw IllegalArgumentException and friends on damaged data.
      throw cannotDecode(data.length, e);
    }
  }

  private static ClassificationException cannotDecode(int size, Throwable cause) {
    return new ClassificationException(
        FailureReason.TOO_LARGE,
        "the image is " + size + " bytes, above the provider's limit, and cannot be decoded",
        cause);
  }

  /** JPEG has no alpha: paint transparent images on white. */
  private static BufferedImage flatten(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB
        || image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      return image;
    }
    BufferedImage rgb =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return rgb;
  }

  /** Halves while the target is under half the size (keeps bilinear from aliasing), then fits. */
  private static BufferedImage resize(BufferedImage source, int width, int height) {
    BufferedImage current = source;
    while (current.getWidth() / 2 >= width && current.getHeight() / 2 >= height) {
      current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
    }
    return current.getWidth() == width && current.getHeight() == height
        ? current
        : draw(current, width, height);
  }

  private static BufferedImage draw(BufferedImage source, int width, int height) {
    BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = target.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(source, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return target;
  }

  private static byte[] encodeJpeg(BufferedImage image) throws ClassificationException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(JPEG_QUALITY);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new ClassificationException(
          FailureReason.TOO_LARGE, "the image could not be re-encoded", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
