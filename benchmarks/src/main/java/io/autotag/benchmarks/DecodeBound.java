package io.autotag.benchmarks;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.onnx.OnnxClassifier;
import io.autotag.shared.provider.onnx.OnnxClassifierFactory;
import io.autotag.shared.provider.onnx.OnnxSettings;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The worst-case images for the decoder: every format at the pixel limit (10000x10000, 100 MP),
 * laid out the way that costs a decoder most (progressive JPEG, interlaced and 16-bit PNG,
 * interlaced GIF, a TIFF in one strip, RLE BMP, lossless WebP), next to a normal photo.
 *
 * <p>{@code generate DIR} writes them (small files: they compress well, as an attacker's would);
 * {@code measure FILE RUNS} loads the embedded model, classifies {@code events/sample.jpg} once,
 * then classifies FILE once to warm up and RUNS times, and prints the median milliseconds, the
 * process's peak RSS (VmHWM) and what happened. {@code benchmarks/decode-bound.sh} runs one fresh
 * JVM per file and reports ratios against the normal photo of the same run.
 */
public final class DecodeBound {

  private static final int SIDE = 10_000;

  private DecodeBound() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "generate" -> generate(Path.of(args[1]));
      case "measure" -> measure(Path.of(args[1]), Integer.parseInt(args[2]));
      default -> throw new IllegalArgumentException("generate DIR | measure FILE RUNS");
    }
  }

  static void generate(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve("normal-12mp.jpg"), BenchmarkPhotos.syntheticJpeg(4000, 3000));
    Files.write(dir.resolve("png-interlaced-8bit.png"), png(8, false, true));
    Files.write(dir.resolve("png-16bit.png"), png(16, false, false));
    Files.write(dir.resolve("png-interlaced-16bit-rgba.png"), png(16, true, true));
    Files.write(dir.resolve("tiff-deflate-one-strip.tif"), tiffOneStrip(false));
    Files.write(dir.resolve("tiff-deflate-one-tile.tif"), tiffOneStrip(true));
    Files.write(dir.resolve("tiff-deflate-strip-at-limit.tif"), tiffOneStrip(false, 4096));
    Files.write(dir.resolve("bmp-rle8.bmp"), bmpRle8());
    Files.write(dir.resolve("webp-lossless.webp"), webpLossless(SIDE, SIDE));
    BufferedImage smooth = smoothPicture(SIDE, SIDE);
    Files.write(dir.resolve("jpeg-progressive.jpg"), jpeg(smooth, true));
    Files.write(dir.resolve("jpeg-baseline.jpg"), jpeg(smooth, false));
    // Progressive JPEGs a camera or an export may write: 4000x3000 at 4:2:0 is 36 MB of
    // coefficients; 6600x5000 (33 MP) at 4:2:0 is 99 MB, at the limit (100 MB).
    Files.write(
        dir.resolve("jpeg-progressive-12mp.jpg"), jpeg(smooth.getSubimage(0, 0, 4000, 3000), true));
    Files.write(
        dir.resolve("jpeg-progressive-33mp.jpg"), jpeg(smooth.getSubimage(0, 0, 6600, 5000), true));
    smooth = null;
    Files.write(dir.resolve("gif-interlaced.gif"), gif(SIDE, SIDE));
  }

  static void measure(Path file, int runs) throws Exception {
    byte[] sample = Files.readAllBytes(Path.of("events/sample.jpg"));
    byte[] data = Files.readAllBytes(file);
    Settings settings = Settings.of(Map.of(OnnxSettings.THREADS, "1"));
    try (OnnxClassifier classifier =
        (OnnxClassifier) OnnxClassifierFactory.create().create(settings, null)) {
      settings.check();
      classifier.classify(ImageInput.Bytes.of(sample));
      long before = peakRssKb();
      String outcome = "classified";
      long[] ms = new long[runs];
      for (int i = -1; i < runs; i++) {
        long start = System.nanoTime();
        try {
          classifier.classify(ImageInput.Bytes.of(data));
        } catch (ClassificationException e) {
          outcome = "refused " + e.reason() + ": " + e.getMessage();
        }
        if (i >= 0) {
          ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
      }
      Arrays.sort(ms);
      System.out.printf("%d %d %d %s%n", ms[runs / 2], peakRssKb(), peakRssKb() - before, outcome);
    }
  }

  private static long peakRssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  /** Sky, ground and a few shapes, no noise: a 100 MP JPEG of about half a megabyte. */
  private static BufferedImage smoothPicture(int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, new Color(90, 140, 200), 0, h, new Color(230, 220, 200)));
    g.fillRect(0, 0, w, h);
    g.setColor(new Color(200, 60, 40));
    g.fillOval(w / 4, h / 4, w / 2, h / 2);
    g.dispose();
    return image;
  }

  private static byte[] jpeg(BufferedImage image, boolean progressive) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    if (progressive) {
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    }
    return write(writer, image, param);
  }

  private static byte[] gif(int w, int h) throws IOException {
    byte[] palette = new byte[256];
    for (int i = 0; i < 256; i++) {
      palette[i] = (byte) i;
    }
    BufferedImage image =
        new BufferedImage(
            w,
            h,
            BufferedImage.TYPE_BYTE_INDEXED,
            new IndexColorModel(8, 256, palette, palette, palette));
    byte[] pixels = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int y = 0; y < h; y++) {
      Arrays.fill(pixels, y * w, y * w + w, (byte) (y * 256 / h));
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT); // interlaced
    return write(writer, image, param);
  }

  private static byte[] write(ImageWriter writer, BufferedImage image, ImageWriteParam param)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** A PNG written row by row (RGB or RGBA, 8 or 16 bits, Adam7 or not): no bitmap in memory. */
  static byte[] png(int bits, boolean alpha, boolean interlaced) throws IOException {
    int channels = alpha ? 4 : 3;
    int bytesPerPixel = channels * bits / 8;
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    try (DeflaterOutputStream z =
        new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_SPEED), 1 << 16)) {
      int[][] passes =
          interlaced
              ? new int[][] {
                {0, 0, 8, 8},
                {4, 0, 8, 8},
                {0, 4, 4, 8},
                {2, 0, 4, 4},
                {0, 2, 2, 4},
                {1, 0, 2, 2},
                {0, 1, 1, 2}
              }
              : new int[][] {{0, 0, 1, 1}};
      for (int[] p : passes) {
        int cols = (SIDE - p[0] + p[2] - 1) / p[2];
        byte[] row = new byte[1 + cols * bytesPerPixel];
        for (int y = p[1]; y < SIDE; y += p[3]) {
          for (int i = 0; i < cols; i++) {
            int level = (y * 255 / SIDE) & 0xFF;
            for (int c = 0; c < channels * bits / 8; c++) {
              row[1 + i * bytesPerPixel + c] = (byte) (c == channels * bits / 8 - 1 ? 255 : level);
            }
          }
          z.write(row);
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(SIDE).putInt(SIDE).put((byte) bits).put((byte) (alpha ? 6 : 2));
    ihdr.put((byte) 0).put((byte) 0).put((byte) (interlaced ? 1 : 0));
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", idat.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt(data.length);
    d.write(t);
    d.write(data);
    d.writeInt((int) crc.getValue());
  }

  /** An RGB TIFF whose 100 MP sit in one Deflate strip (or one tile): one huge unit to decode. */
  static byte[] tiffOneStrip(boolean tiled) throws IOException {
    return tiffOneStrip(tiled, SIDE);
  }

  /** The same, {@code side x side}. */
  static byte[] tiffOneStrip(boolean tiled, int side) throws IOException {
    ByteArrayOutputStream deflated = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(deflated, new Deflater(9), 1 << 16)) {
      byte[] row = new byte[side * 3];
      for (int y = 0; y < side; y++) {
        Arrays.fill(row, (byte) (y * 255 / side));
        z.write(row);
      }
    }
    byte[] strip = deflated.toByteArray();
    int entries = 11;
    int ifd = 8;
    int bitsAt = ifd + 2 + entries * 12 + 4;
    int stripAt = bitsAt + 6;
    ByteBuffer b = ByteBuffer.allocate(stripAt + strip.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
    b.putShort((short) entries);
    entry(b, 256, 4, 1, side);
    entry(b, 257, 4, 1, side);
    entry(b, 258, 3, 3, bitsAt);
    entry(b, 259, 3, 1, 8); // Deflate
    entry(b, 262, 3, 1, 2); // RGB
    entry(b, 273, 4, 1, tiled ? 0 : stripAt);
    entry(b, 277, 3, 1, 3);
    entry(b, 278, 4, 1, tiled ? 0 : side);
    entry(b, 279, 4, 1, tiled ? 0 : strip.length);
    entry(b, 284, 3, 1, 1);
    entry(b, 0, 0, 0, 0); // placeholder, replaced below for tiles
    b.putInt(0);
    b.putShort((short) 8).putShort((short) 8).putShort((short) 8);
    b.put(strip);
    byte[] out = b.array();
    if (tiled) {
      // Rewrite the strip tags as tile tags: TileWidth, TileLength, TileOffsets, TileByteCounts.
      ByteBuffer t = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
      t.position(ifd + 2);
      t.putShort((short) entries);
      t.position(ifd);
      t.putShort((short) entries);
      entry(t, 256, 4, 1, side);
      entry(t, 257, 4, 1, side);
      entry(t, 258, 3, 3, bitsAt);
      entry(t, 259, 3, 1, 8);
      entry(t, 262, 3, 1, 2);
      entry(t, 277, 3, 1, 3);
      entry(t, 284, 3, 1, 1);
      entry(t, 322, 4, 1, side);
      entry(t, 323, 4, 1, side);
      entry(t, 324, 4, 1, stripAt);
      entry(t, 325, 4, 1, strip.length);
    } else {
      ByteBuffer t = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
      t.putShort(ifd, (short) (entries - 1));
    }
    return out;
  }

  private static void entry(ByteBuffer b, int tag, int type, int count, int value) {
    b.putShort((short) tag).putShort((short) type).putInt(count);
    if (type == 3 && count == 1) {
      b.putShort((short) value).putShort((short) 0);
    } else {
      b.putInt(value);
    }
  }

  /** A 100 MP 8-bit BMP, run-length encoded: each row is 40 runs of 250 pixels. */
  static byte[] bmpRle8() {
    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
    for (int y = 0; y < SIDE; y++) {
      for (int i = 0; i < SIDE / 250; i++) {
        pixels.write(250);
        pixels.write((y + i) & 0xFF);
      }
      pixels.write(0);
      pixels.write(0); // end of line
    }
    pixels.write(0);
    pixels.write(1); // end of bitmap
    byte[] data = pixels.toByteArray();
    int paletteSize = 256 * 4;
    int offset = 14 + 40 + paletteSize;
    ByteBuffer b = ByteBuffer.allocate(offset + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'B').put((byte) 'M').putInt(offset + data.length).putInt(0).putInt(offset);
    b.putInt(40).putInt(SIDE).putInt(SIDE).putShort((short) 1).putShort((short) 8);
    b.putInt(1).putInt(data.length).putInt(2835).putInt(2835).putInt(256).putInt(0);
    for (int i = 0; i < 256; i++) {
      b.put((byte) i).put((byte) (255 - i)).put((byte) i).put((byte) 0);
    }
    b.put(data);
    return b.array();
  }

  /**
   * A lossless WebP (VP8L) whose five prefix codes each hold one symbol, so every pixel costs zero
   * bits: a few dozen bytes that declare {@code w x h} pixels.
   */
  static byte[] webpLossless(int w, int h) {
    BitWriter bits = new BitWriter();
    bits.write(0x2F, 8);
    bits.write(w - 1, 14);
    bits.write(h - 1, 14);
    bits.write(0, 1); // no alpha hint
    bits.write(0, 3); // version 0
    bits.write(0, 1); // no transform
    bits.write(0, 1); // no colour cache
    bits.write(0, 1); // no meta prefix codes
    int[] symbols = {0x80, 0x40, 0x20, 0xFF, 0}; // green, red, blue, alpha, distance
    for (int symbol : symbols) {
      bits.write(1, 1); // simple code
      bits.write(0, 1); // one symbol
      bits.write(1, 1); // eight bits
      bits.write(symbol, 8);
    }
    byte[] vp8l = bits.toByteArray();
    int chunk = vp8l.length + (vp8l.length & 1);
    ByteBuffer b = ByteBuffer.allocate(12 + 8 + chunk).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + 8 + chunk);
    b.put("WEBP".getBytes(StandardCharsets.US_ASCII));
    b.put("VP8L".getBytes(StandardCharsets.US_ASCII)).putInt(vp8l.length).put(vp8l);
    return b.array();
  }

  /** Least-significant-bit-first, as VP8L reads. */
  private static final class BitWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long buffer;
    private int used;

    void write(int value, int n) {
      buffer |= ((long) value & ((1L << n) - 1)) << used;
      used += n;
      while (used >= 8) {
        out.write((int) (buffer & 0xFF));
        buffer >>>= 8;
        used -= 8;
      }
    }

    byte[] toByteArray() {
      if (used > 0) {
        out.write((int) (buffer & 0xFF));
        buffer = 0;
        used = 0;
      }
      return out.toByteArray();
    }
  }
}
