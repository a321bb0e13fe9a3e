package io.autotag.shared.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;

/**
 * Turns a decoded {@link BufferedImage} of any layout into the packed RGB pixels a model reads: the
 * pixel conversion, kept apart from {@link ImageDecoder}'s guards on untrusted input.
 */
final class RgbPixels {

  private static final int WHITE = 0xFFFFFF;

  private RgbPixels() {}

  /**
   * Packed {@code 0xRRGGBB} pixels, alpha composited on white. The common layouts (JPEG's 3-byte
   * BGR, 8-bit grey, int RGB/ARGB, 4-byte ABGR) are read straight from the raster; the rest are
   * drawn through Java 2D, which converts any colour model.
   */
  static int[] of(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int n = w * h;
    Raster raster = image.getRaster();
    boolean packed =
        raster.getMinX() == 0
            && raster.getMinY() == 0
            && raster.getSampleModelTranslateX() == 0
            && raster.getSampleModelTranslateY() == 0;
    switch (image.getType()) {
      case BufferedImage.TYPE_INT_RGB -> {
        if (packed) {
          int[] src = ((DataBufferInt) raster.getDataBuffer()).getData();
          int[] out = new int[n];
          for (int i = 0; i < n; i++) {
            out[i] = src[i] & WHITE;
          }
          return out;
        }
      }
      case BufferedImage.TYPE_INT_ARGB -> {
        if (packed) {
          int[] src = ((DataBufferInt) raster.getDataBuffer()).getData();
          int[] out = new int[n];
          for (int i = 0; i < n; i++) {
            out[i] = overWhite(src[i]);
          }
          return out;
        }
      }
      case BufferedImage.TYPE_3BYTE_BGR -> {
        if (packed) {
          byte[] src = ((DataBufferByte) raster.getDataBuffer()).getData();
          int[] out = new int[n];
          for (int i = 0, j = 0; i < n; i++, j += 3) {
            out[i] = (src[j + 2] & 0xFF) << 16 | (src[j + 1] & 0xFF) << 8 | (src[j] & 0xFF);
          }
          return out;
        }
      }
      case BufferedImage.TYPE_4BYTE_ABGR -> {
        if (packed) {
          byte[] src = ((DataBufferByte) raster.getDataBuffer()).getData();
          int[] out = new int[n];
          for (int i = 0, j = 0; i < n; i++, j += 4) {
            int argb =
                (src[j] & 0xFF) << 24
                    | (src[j + 3] & 0xFF) << 16
                    | (src[j + 2] & 0xFF) << 8
                    | (src[j + 1] & 0xFF);
            out[i] = overWhite(argb);
          }
          return out;
        }
      }
      default -> {
        // handled below
      }
    }
    ColorModel model = image.getColorModel();
    if (model instanceof ComponentColorModel
        && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
      return grey(raster, model, w, h);
    }
    BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
  }

  /**
   * Grey images (8 or 16 bit, with or without alpha) read sample by sample: drawing them through
   * Java 2D would treat the grey values as linear light and brighten them.
   */
  private static int[] grey(Raster raster, ColorModel model, int w, int h) {
    int bits = model.getComponentSize(0);
    int max = (1 << bits) - 1;
    boolean alpha = model.hasAlpha();
    int alphaMax = alpha ? (1 << model.getComponentSize(1)) - 1 : 1;
    int[] out = new int[w * h];
    int[] row = new int[w];
    int[] alphaRow = alpha ? new int[w] : null;
    for (int y = 0; y < h; y++) {
      raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
      if (alpha) {
        raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 1, alphaRow);
      }
      for (int x = 0; x < w; x++) {
        int v = (int) ((row[x] * 255L + max / 2) / max);
        if (alpha) {
          int a = (int) ((alphaRow[x] * 255L + alphaMax / 2) / alphaMax);
          v = (v * a + 255 * (255 - a) + 127) / 255;
        }
        out[y * w + x] = v << 16 | v << 8 | v;
      }
    }
    return out;
  }

  private static int overWhite(int argb) {
    int a = argb >>> 24;
    if (a == 255) {
      return argb & WHITE;
    }
    int r = ((argb >> 16 & 0xFF) * a + 255 * (255 - a) + 127) / 255;
    int g = ((argb >> 8 & 0xFF) * a + 255 * (255 - a) + 127) / 255;
    int b = ((argb & 0xFF) * a + 255 * (255 - a) + 127) / 255;
    return r << 16 | g << 8 | b;
  }
}
