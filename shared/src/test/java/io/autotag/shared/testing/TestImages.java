package io.autotag.shared.testing;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Small real images made in the test, distinct by their fill colour. */
public final class TestImages {

  private TestImages() {}

  public static byte[] png(Color color) {
    return encode(color, "png");
  }

  public static byte[] jpeg(Color color) {
    return encode(color, "jpg");
  }

  private static byte[] encode(Color color, String format) {
    BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, 32, 24);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
