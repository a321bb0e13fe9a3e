package io.autotag.shared.image;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Shrinks an image that is larger than a provider accepts so it can still be classified: decodes it
 * with the same {@link ImageDecoder} the embedded model uses (upright after EXIF orientation, alpha
 * on white, refused above the pixel limit, subsampled while reading so a large image never becomes
 * a huge bitmap), scales it down keeping the aspect ratio until the re-encoded JPEG fits the byte
 * limit, and returns the JPEG. An image that cannot be decoded keeps the decoder's reason (corrupt,
 * unsupported, too many pixels); one that cannot be made small enough is {@link
 * FailureReason#TOO_LARGE}.
 */
public final class Downscaler {

  /**
   * Decode at least this many pixels a side (subsampling only above it): ample for a classifier.
   */
  public static final int DEFAULT_DECODE_SIDE = 4096;

  private static final float JPEG_QUALITY = 0.85f;
  private static final int MIN_SIDE = 16;
  private static final int MAX_ATTEMPTS = 8;

  private final ImageDecoder decoder;
  private final int decodeSide;

  public Downscaler(ImageDecoder decoder, int decodeSide) {
    if (decodeSide <= 0) {
      throw new IllegalArgumentException("decodeSide must be positive");
    }
    this.decoder = decoder;
    this.decodeSide = decodeSide;
  }

  public static Downscaler create(ImageDecoder decoder) {
    return new Downscaler(decoder, DEFAULT_DECODE_SIDE);
  }

  public static Downscaler create() {
    return create(ImageDecoder.create());
  }

  /**
   * The image itself when it is at most {@code maxBytes}, otherwise a smaller JPEG of it that is.
   *
   * @throws ClassificationException when the image cannot be decoded (the decoder's reason) or made
   *     small enough ({@link FailureReason#TOO_LARGE})
   */
  public ImageInput.Bytes fit(ImageInput.Bytes image, long maxBytes)
      throws ClassificationException {
    byte[] data = image.data();
    if (data.length <= maxBytes) {
      return image;
    }
    DecodedImage decoded = decoder.decode(image, decodeSide, decodeSide);
    BufferedImage rgb =
        new BufferedImage(decoded.width(), decoded.height(), BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(0, 0, decoded.width(), decoded.height(), decoded.rgb(), 0, decoded.width());
    double scale =
        image.format().equals(Optional.of(ImageFormat.JPEG))
            ? Math.min(1.0, Math.sqrt((double) maxBytes / data.length) * 0.95)
            : 1.0;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      int width = Math.max(1, (int) Math.round(rgb.getWidth() * scale));
      int height = Math.max(1, (int) Math.round(rgb.getHeight() * scale));
      byte[] jpeg = encodeJpeg(scale >= 1.0 ? rgb : resize(rgb, width, height));
      if (jpeg.length <= maxBytes) {
        return ImageInput.Bytes.of(jpeg, ImageFormat.JPEG);
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
