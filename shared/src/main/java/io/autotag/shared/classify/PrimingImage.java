package io.autotag.shared.classify;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * A small, fixed PNG for priming a classifier before a SnapStart snapshot: the same pixels every
 * time (nothing random at init), so a priming run exercises decoding and inference without touching
 * any user's data.
 */
public final class PrimingImage {

  private static final int SIZE = 64;

  private PrimingImage() {}

  public static byte[] png() {
    BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        image.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | ((x + y) * 2));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
