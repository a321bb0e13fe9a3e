package io.autotag.benchmarks;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** The image a benchmark classifies: a given file, or a synthetic 1600x1200 JPEG. */
final class BenchmarkPhotos {

  private BenchmarkPhotos() {}

  static byte[] load(String path) {
    if (path != null && !path.isBlank()) {
      try {
        return Files.readAllBytes(Path.of(path));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return syntheticJpeg(1600, 1200);
  }

  /**
   * A 1.9 MP JPEG with gradients, shapes and sensor-like noise, so its entropy (and decoding cost)
   * is close to a photograph's. Seeded: the same bytes every run.
   */
  static byte[] syntheticJpeg(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(
        new GradientPaint(0, 0, new Color(90, 140, 200), 0, height, new Color(230, 220, 200)));
    g.fillRect(0, 0, width, height);
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 60; i++) {
      g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
      int w = 40 + random.nextInt(width / 4);
      int h = 40 + random.nextInt(height / 4);
      g.fillOval(random.nextInt(width - w), random.nextInt(height - h), w, h);
    }
    g.dispose();
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      image.getRGB(0, y, width, 1, row, 0, width);
      for (int x = 0; x < width; x++) {
        int n = random.nextInt(17) - 8;
        int p = row[x];
        int r = clamp((p >> 16 & 0xFF) + n);
        int gg = clamp((p >> 8 & 0xFF) + n);
        int b = clamp((p & 0xFF) + n);
        row[x] = r << 16 | gg << 8 | b;
      }
      image.setRGB(0, y, width, 1, row, 0, width);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
