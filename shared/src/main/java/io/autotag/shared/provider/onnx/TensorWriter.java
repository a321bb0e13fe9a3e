package io.autotag.shared.provider.onnx;

import io.autotag.shared.image.DecodedImage;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Resamples a decoded image into a model's input tensor in one pass: placement (stretch, letterbox,
 * zoomed-out, mirrored), resampling (box average when shrinking, which the decoder's subsampling
 * keeps to small factors; bilinear when enlarging), channel order, layout and normalisation.
 * Padding is mid-grey. Stateless and thread-safe.
 */
final class TensorWriter {

  private static final int PAD = 0x808080;

  private final ModelDescriptor.Input input;
  private final float[] gain = new float[3];
  private final float[] offset = new float[3];

  TensorWriter(ModelDescriptor.Input input) {
    this.input = input;
    for (int c = 0; c < 3; c++) {
      gain[c] = (float) (input.scale() / input.std()[c]);
      offset[c] = (float) (-input.mean()[c] / input.std()[c]);
    }
  }

  /** Writes one image into {@code out} (positions 0..elements), leaving its position unchanged. */
  void write(DecodedImage image, InferenceOptions.Pass pass, FloatBuffer out) {
    int outW = input.width();
    int outH = input.height();
    double rectW;
    double rectH;
    if (pass.letterbox()) {
      double scale = Math.min((double) outW / image.width(), (double) outH / image.height());
      rectW = image.width() * scale;
      rectH = image.height() * scale;
    } else {
      rectW = outW;
      rectH = outH;
    }
    rectW *= pass.fill();
    rectH *= pass.fill();
    int x0 = (int) Math.round((outW - rectW) / 2);
    int y0 = (int) Math.round((outH - rectH) / 2);
    int rw = Math.max(1, (int) Math.round(rectW));
    int rh = Math.max(1, (int) Math.round(rectH));

    int srcW = image.width();
    int srcH = image.height();
    double fx = (double) srcW / rw;
    double fy = (double) srcH / rh;
    boolean shrinking = fx > 1 || fy > 1;
    // Source columns of each output column, computed once per image rather than per pixel.
    int[] colStart = new int[outW];
    int[] colEnd = new int[outW];
    for (int ox = 0; ox < outW; ox++) {
      int rx = (pass.mirrored() ? outW - 1 - ox : ox) - x0;
      if (rx < 0 || rx >= rw) {
        colStart[ox] = -1;
      } else {
        colStart[ox] = Math.min(srcW - 1, (int) (rx * fx));
        colEnd[ox] = Math.max(colStart[ox] + 1, Math.min(srcW, (int) Math.ceil((rx + 1) * fx)));
      }
    }
    int[] src = image.rgb();
    int[] row = new int[outW];
    float[] values = new float[outW * 3];
    for (int oy = 0; oy < outH; oy++) {
      int ry = oy - y0;
      if (ry < 0 || ry >= rh) {
        Arrays.fill(row, PAD);
      } else if (shrinking) {
        int sy0 = Math.min(srcH - 1, (int) (ry * fy));
        int sy1 = Math.max(sy0 + 1, Math.min(srcH, (int) Math.ceil((ry + 1) * fy)));
        for (int ox = 0; ox < outW; ox++) {
          row[ox] = colStart[ox] < 0 ? PAD : box(src, srcW, colStart[ox], colEnd[ox], sy0, sy1);
        }
      } else {
        for (int ox = 0; ox < outW; ox++) {
          int rx = (pass.mirrored() ? outW - 1 - ox : ox) - x0;
          row[ox] =
              colStart[ox] < 0
                  ? PAD
                  : bilinear(src, srcW, srcH, (rx + 0.5) * fx - 0.5, (ry + 0.5) * fy - 0.5);
        }
      }
      store(row, oy, values, out);
    }
  }

  private void store(int[] row, int y, float[] values, FloatBuffer out) {
    int w = input.width();
    int h = input.height();
    boolean bgr = input.colorOrder() == ModelDescriptor.ColorOrder.BGR;
    float g0 = gain[0];
    float g1 = gain[1];
    float g2 = gain[2];
    float o0 = offset[0];
    float o1 = offset[1];
    float o2 = offset[2];
    if (input.layout() == ModelDescriptor.Layout.NHWC) {
      int first = bgr ? 2 : 0;
      int third = bgr ? 0 : 2;
      for (int x = 0, i = 0; x < w; x++, i += 3) {
        int p = row[x];
        values[i + first] = g0 * (p >> 16 & 0xFF) + o0;
        values[i + 1] = g1 * (p >> 8 & 0xFF) + o1;
        values[i + third] = g2 * (p & 0xFF) + o2;
      }
      out.put(y * w * 3, values, 0, w * 3);
    } else {
      int plane = w * h;
      int base = y * w;
      for (int x = 0; x < w; x++) {
        int p = row[x];
        values[x] = g0 * (p >> 16 & 0xFF) + o0;
        values[w + x] = g1 * (p >> 8 & 0xFF) + o1;
        values[2 * w + x] = g2 * (p & 0xFF) + o2;
      }
      out.put((bgr ? 2 * plane : 0) + base, values, 0, w);
      out.put(plane + base, values, w, w);
      out.put((bgr ? 0 : 2 * plane) + base, values, 2 * w, w);
    }
  }

  /** Mean of the source pixels in columns {@code [x0,x1)} and rows {@code [y0,y1)}. */
  private static int box(int[] src, int srcW, int x0, int x1, int y0, int y1) {
    int n = (x1 - x0) * (y1 - y0);
    if (n > 256) {
      return wideBox(src, srcW, x0, x1, y0, y1);
    }
    // Red and blue summed together in two 16-bit lanes of one long, green alone: three additions
    // fewer per pixel. Footprints are small (the decoder subsamples first); a blue sum of at most
    // 256 pixels cannot carry into the red lane.
    long rb = 0;
    long g = 0;
    for (int y = y0; y < y1; y++) {
      int base = y * srcW;
      for (int x = x0; x < x1; x++) {
        int p = src[base + x];
        rb += p & 0xFF00FF;
        g += p & 0xFF00;
      }
    }
    if (n == 1) {
      return (int) (rb | g);
    }
    long r = rb >>> 16;
    long b = rb & 0xFFFF;
    g >>>= 8;
    long half = n / 2;
    return (int) ((r + half) / n) << 16 | (int) ((g + half) / n) << 8 | (int) ((b + half) / n);
  }

  /** {@link #box} for footprints too large for the packed sums (extreme aspect ratios). */
  private static int wideBox(int[] src, int srcW, int x0, int x1, int y0, int y1) {
    long r = 0;
    long g = 0;
    long b = 0;
    for (int y = y0; y < y1; y++) {
      int base = y * srcW;
      for (int x = x0; x < x1; x++) {
        int p = src[base + x];
        r += p >> 16 & 0xFF;
        g += p >> 8 & 0xFF;
        b += p & 0xFF;
      }
    }
    long n = (long) (x1 - x0) * (y1 - y0);
    long half = n / 2;
    return (int) ((r + half) / n) << 16 | (int) ((g + half) / n) << 8 | (int) ((b + half) / n);
  }

  private static int bilinear(int[] src, int srcW, int srcH, double sx, double sy) {
    sx = Math.max(0, Math.min(srcW - 1, sx));
    sy = Math.max(0, Math.min(srcH - 1, sy));
    int x0 = (int) sx;
    int y0 = (int) sy;
    int x1 = Math.min(srcW - 1, x0 + 1);
    int y1 = Math.min(srcH - 1, y0 + 1);
    double ax = sx - x0;
    double ay = sy - y0;
    int p00 = src[y0 * srcW + x0];
    int p01 = src[y0 * srcW + x1];
    int p10 = src[y1 * srcW + x0];
    int p11 = src[y1 * srcW + x1];
    int out = 0;
    for (int shift = 16; shift >= 0; shift -= 8) {
      double top = (p00 >> shift & 0xFF) * (1 - ax) + (p01 >> shift & 0xFF) * ax;
      double bottom = (p10 >> shift & 0xFF) * (1 - ax) + (p11 >> shift & 0xFF) * ax;
      int v = (int) Math.round(top * (1 - ay) + bottom * ay);
      out |= v << shift;
    }
    return out;
  }
}
