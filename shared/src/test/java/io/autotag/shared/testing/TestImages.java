package io.autotag.shared.testing;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The one maker of test images for every module: real PNGs and JPEGs encoded in the test, distinct
 * by their fill colour, or noise that compresses badly (large files from few pixels).
 */
public final class TestImages {

  private static final int WIDTH = 32;
  private static final int HEIGHT = 24;

  private TestImages() {}

  /** A small PNG of one colour. */
  public static byte[] png(Color color) {
    return png(color, WIDTH, HEIGHT);
  }

  /** A small JPEG of one colour. */
  public static byte[] jpeg(Color color) {
    return jpeg(color, WIDTH, HEIGHT);
  }

  public static byte[] png(Color color, int width, int height) {
    return encode(filled(color, width, height), "png");
  }

  public static byte[] jpeg(Color color, int width, int height) {
    return encode(filled(color, width, height), "jpg");
  }

  /**
   * Random pixels, the same every run (fixed seed): a PNG with a random alpha channel, or an RGB
   * JPEG. Noise barely compresses, so the file is large for its size in pixels.
   */
  public static byte[] noise(int width, int height, String format) {
    boolean png = format.equals("png");
    BufferedImage image =
        new BufferedImage(
            width, height, png ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Random random = new Random(42);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    return encode(image, format);
  }

  /** The image in {@code format} ({@code png}, {@code jpg}, {@code bmp}, {@code gif}, ...). */
  public static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static BufferedImage filled(Color color, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return image;
  }
}
