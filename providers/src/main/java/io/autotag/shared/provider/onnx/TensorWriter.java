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

  /**
   * {@code floor(2^32 / n) + 1} for n up to 256: {@code x * RECIPROCALS[n] >>> 32} equals {@code x
   * / n} for every sum a footprint can have (below 2^17), and a multiplication is several times
   * cheaper than a division in a loop that runs for every input pixel.
   */
  private static final long[] RECIPROCALS = new long[257];

  static {
    for (int n = 1; n <= 256; n++) {
      RECIPROCALS[n] = (1L << 32) / n + 1;
    }
  }

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
    boolean identity = srcW == rw && srcH == rh;
    // Per output column: the source columns it covers (shrinking) or its two neighbours and the
    // weight of the right one in 1/256 (enlarging). Computed once per image, not per pixel.
    int[] colStart = new int[outW];
    int[] colEnd = new int[outW];
    int[] colWeight = new int[outW];
    for (int ox = 0; ox < outW; ox++) {
      int rx = (pass.mirrored() ? outW - 1 - ox : ox) - x0;
      if (rx < 0 || rx >= rw) {
        colStart[ox] = -1;
      } else if (identity) {
        colStart[ox] = rx;
        colEnd[ox] = rx + 1;
      } else if (shrinking) {
        colStart[ox] = Math.min(srcW - 1, (int) (rx * fx));
        colEnd[ox] = Math.max(colStart[ox] + 1, Math.min(srcW, (int) Math.ceil((rx + 1) * fx)));
      } else {
        double sx = Math.max(0, Math.min(srcW - 1, (rx + 0.5) * fx - 0.5));
        colStart[ox] = (int) sx;
        colEnd[ox] = Math.min(srcW - 1, colStart[ox] + 1);
        colWeight[ox] = (int) Math.round((sx - colStart[ox]) * 256);
      }
    }
    int[] src = image.rgb();
    int[] row = new int[outW];
    float[] values = new float[outW * 3];
    long[] sumRb = shrinking ? new long[srcW] : null;
    long[] sumG = shrinking ? new long[srcW] : null;
    for (int oy = 0; oy < outH; oy++) {
      int ry = oy - y0;
      if (ry < 0 || ry >= rh) {
        Arrays.fill(row, PAD);
      } else if (identity) {
        int base = ry * srcW;
        for (int ox = 0; ox < outW; ox++) {
          row[ox] = colStart[ox] < 0 ? PAD : src[base + colStart[ox]] & 0xFFFFFF;
        }
      } else if (shrinking) {
        int sy0 = Math.min(srcH - 1, (int) (ry * fy));
        int sy1 = Math.max(sy0 + 1, Math.min(srcH, (int) Math.ceil((ry + 1) * fy)));
        boxRow(src, srcW, sy0, sy1, colStart, colEnd, sumRb, sumG, row);
      } else {
        double sy = Math.max(0, Math.min(srcH - 1, (ry + 0.5) * fy - 0.5));
        int top = (int) sy;
        int bottom = Math.min(srcH - 1, top + 1);
        int wy = (int) Math.round((sy - top) * 256);
        for (int ox = 0; ox < outW; ox++) {
          row[ox] =
              colStart[ox] < 0
                  ? PAD
                  : bilinear(src, srcW, colStart[ox], colEnd[ox], colWeight[ox], top, bottom, wy);
        }
      }
      store(row, oy, values, out);
    }
  }

  /**
   * One output row while shrinking: the source rows {@code [sy0,sy1)} are summed column by column
   * first (a tight loop over arrays), then each output pixel averages its columns of those sums.
   * Red and blue share one long in two 16-bit lanes, green has its own: fewer additions, and a blue
   * sum of at most 256 pixels cannot carry into the red lane (larger footprints, from extreme
   * aspect ratios, take {@link #wideBox}).
   */
  private static void boxRow(
      int[] src,
      int srcW,
      int sy0,
      int sy1,
      int[] colStart,
      int[] colEnd,
      long[] sumRb,
      long[] sumG,
      int[] row) {
    int rows = sy1 - sy0;
    int base = sy0 * srcW;
    for (int x = 0; x < srcW; x++) {
      int p = src[base + x];
      sumRb[x] = p & 0xFF00FF;
      sumG[x] = p & 0xFF00;
    }
    for (int y = sy0 + 1; y < sy1; y++) {
      base = y * srcW;
      for (int x = 0; x < srcW; x++) {
        int p = src[base + x];
        sumRb[x] += p & 0xFF00FF;
        sumG[x] += p & 0xFF00;
      }
    }
    for (int ox = 0; ox < row.length; ox++) {
      int x0 = colStart[ox];
      if (x0 < 0) {
        row[ox] = PAD;
        continue;
      }
      int x1 = colEnd[ox];
      int n = (x1 - x0) * rows;
      if (n > 256) {
        row[ox] = wideBox(src, srcW, x0, x1, sy0, sy1);
        continue;
      }
      long rb = 0;
      long g = 0;
      for (int x = x0; x < x1; x++) {
        rb += sumRb[x];
        g += sumG[x];
      }
      if (n == 1) {
        row[ox] = (int) (rb | g);
        continue;
      }
      long half = n / 2;
      long reciprocal = RECIPROCALS[n];
      long r = ((rb >>> 16) + half) * reciprocal >>> 32;
      long b = ((rb & 0xFFFF) + half) * reciprocal >>> 32;
      long gg = ((g >>> 8) + half) * reciprocal >>> 32;
      row[ox] = (int) (r << 16 | gg << 8 | b);
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

  /** The mean of a footprint too large for the packed sums of {@link #boxRow}. */
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

  /** Bilinear interpolation in 8-bit fixed point, red and blue in packed lanes. */
  private static int bilinear(
      int[] src, int srcW, int x0, int x1, int wx, int top, int bottom, int wy) {
    int p00 = src[top * srcW + x0];
    int p01 = src[top * srcW + x1];
    int p10 = src[bottom * srcW + x0];
    int p11 = src[bottom * srcW + x1];
    long upperRb = lerp(p00 & 0xFF00FF, p01 & 0xFF00FF, wx) & 0xFF00FF;
    long lowerRb = lerp(p10 & 0xFF00FF, p11 & 0xFF00FF, wx) & 0xFF00FF;
    long upperG = lerp(p00 >> 8 & 0xFF, p01 >> 8 & 0xFF, wx) & 0xFF;
    long lowerG = lerp(p10 >> 8 & 0xFF, p11 >> 8 & 0xFF, wx) & 0xFF;
    return (int) ((lerp(upperRb, lowerRb, wy) & 0xFF00FF) | (lerp(upperG, lowerG, wy) & 0xFF) << 8);
  }

  /**
   * {@code a + (b - a) * w / 256}, rounded, on 8-bit values in the lanes at bits 0 and 16 at once;
   * mask the result to the lanes used.
   */
  private static long lerp(long a, long b, int w) {
    return (a * (256 - w) + b * w + 0x800080) >>> 8;
  }
}
