package io.autotag.shared.image;

import io.autotag.shared.testing.TestImages;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/** Pictures for decoder tests, made in the test with ImageIO or read from test resources. */
final class TestPictures {

  private TestPictures() {}

  /** Left half {@code left}, right half {@code right}. */
  static BufferedImage halves(int type, int width, int height, Color left, Color right) {
    BufferedImage image = new BufferedImage(width, height, type);
    Graphics2D g = image.createGraphics();
    g.setComposite(AlphaComposite.Src);
    g.setColor(left);
    g.fillRect(0, 0, width / 2, height);
    g.setColor(right);
    g.fillRect(width / 2, 0, width - width / 2, height);
    g.dispose();
    return image;
  }

  static byte[] encode(BufferedImage image, String format) {
    return TestImages.encode(image, format);
  }

  static byte[] resource(String name) {
    try (InputStream in = TestPictures.class.getResourceAsStream("/io/autotag/images/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JPEG with an EXIF APP1 segment declaring {@code orientation}, inserted after SOI. */
  static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean bigEndian) {
    ByteArrayOutputStream tiff = new ByteArrayOutputStream();
    if (bigEndian) {
      tiff.writeBytes(new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8});
      tiff.writeBytes(new byte[] {0, 1}); // one entry
      tiff.writeBytes(new byte[] {0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0});
    } else {
      tiff.writeBytes(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0});
      tiff.writeBytes(new byte[] {1, 0});
      tiff.writeBytes(new byte[] {0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) orientation, 0, 0, 0});
    }
    tiff.writeBytes(new byte[] {0, 0, 0, 0}); // no next IFD
    byte[] payload = tiff.toByteArray();
    int length = 2 + 6 + payload.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xD8);
    out.write(0xFF);
    out.write(0xE1);
    out.write(length >> 8);
    out.write(length & 0xFF);
    out.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(payload);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  /**
   * A valid PNG that declares {@code width x height} RGB pixels but holds only a few compressed
   * bytes: the classic decompression bomb. Its data would inflate to zeros.
   */
  static byte[] pngBomb(int width, int height) {
    return pngBomb(width, height, 8);
  }

  /** The same with {@code bits} per sample (8 or 16). */
  static byte[] pngBomb(int width, int height, int bits) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream d = new DataOutputStream(ihdr);
      d.writeInt(width);
      d.writeInt(height);
      d.writeByte(bits);
      d.writeByte(2); // RGB
      d.writeByte(0);
      d.writeByte(0);
      d.writeByte(0);
      chunk(out, "IHDR", ihdr.toByteArray());
      Deflater deflater = new Deflater(9);
      deflater.setInput(new byte[64 * 1024]);
      deflater.finish();
      byte[] buffer = new byte[1024];
      int n = deflater.deflate(buffer);
      byte[] idat = new byte[n];
      System.arraycopy(buffer, 0, idat, 0, n);
      chunk(out, "IDAT", idat);
      chunk(out, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * 70 bytes: the headers of a 1x1 24-bit BMP with this {@code compression} (4 and 5 embed a JPEG
   * or PNG) and declared image data size, and no pixel data to speak of.
   */
  static byte[] bmpHeader(int compression, int declaredImageSize) {
    byte[] bmp = new byte[70];
    bmp[0] = 'B';
    bmp[1] = 'M';
    writeLittleEndian(bmp, 2, 70);
    writeLittleEndian(bmp, 10, 54);
    writeLittleEndian(bmp, 14, 40);
    writeLittleEndian(bmp, 18, 1);
    writeLittleEndian(bmp, 22, 1);
    bmp[26] = 1;
    bmp[28] = 24;
    writeLittleEndian(bmp, 30, compression);
    writeLittleEndian(bmp, 34, declaredImageSize);
    return bmp;
  }

  /** {@code jpeg} with its frame header (SOFn) declaring {@code width x height} instead. */
  static byte[] withFrameSize(byte[] jpeg, int width, int height) {
    byte[] out = jpeg.clone();
    int i = 2;
    while (i + 9 < out.length) {
      int marker = out[i + 1] & 0xFF;
      if (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) {
        out[i + 5] = (byte) (height >> 8);
        out[i + 6] = (byte) height;
        out[i + 7] = (byte) (width >> 8);
        out[i + 8] = (byte) width;
        return out;
      }
      i += 2 + ((out[i + 2] & 0xFF) << 8 | (out[i + 3] & 0xFF));
    }
    throw new IllegalArgumentException("no frame header");
  }

  /**
   * An 8-bit RGB TIFF, Deflate-compressed, all of it in one strip (RowsPerStrip = height), grey
   * rows: small on disk however large it declares itself.
   */
  static byte[] tiffOneStrip(int width, int height) {
    ByteArrayOutputStream deflated = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(deflated, new Deflater(9), 1 << 16)) {
      byte[] row = new byte[width * 3];
      for (int y = 0; y < height; y++) {
        Arrays.fill(row, (byte) (y * 255 / height));
        z.write(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] strip = deflated.toByteArray();
    int entries = 10;
    int bitsAt = 8 + 2 + entries * 12 + 4;
    int stripAt = bitsAt + 6;
    ByteBuffer b = ByteBuffer.allocate(stripAt + strip.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    b.putShort((short) entries);
    tiffEntry(b, 256, 4, 1, width);
    tiffEntry(b, 257, 4, 1, height);
    tiffEntry(b, 258, 3, 3, bitsAt);
    tiffEntry(b, 259, 3, 1, 8); // Deflate
    tiffEntry(b, 262, 3, 1, 2); // RGB
    tiffEntry(b, 273, 4, 1, stripAt);
    tiffEntry(b, 277, 3, 1, 3);
    tiffEntry(b, 278, 4, 1, height);
    tiffEntry(b, 279, 4, 1, strip.length);
    tiffEntry(b, 284, 3, 1, 1);
    b.putInt(0);
    b.putShort((short) 8).putShort((short) 8).putShort((short) 8);
    b.put(strip);
    return b.array();
  }

  private static void tiffEntry(ByteBuffer b, int tag, int type, int count, int value) {
    b.putShort((short) tag).putShort((short) type).putInt(count);
    if (type == 3 && count == 1) {
      b.putShort((short) value).putShort((short) 0);
    } else {
      b.putInt(value);
    }
  }

  /**
   * A lossless WebP (VP8L) whose five prefix codes each hold a single symbol, so that no pixel
   * takes a bit: a few dozen bytes that declare {@code width x height} pixels.
   */
  static byte[] zeroBitLosslessWebp(int width, int height) {
    long bits = 0;
    int used = 0;
    ByteArrayOutputStream vp8l = new ByteArrayOutputStream();
    int[][] fields = {
      {0x2F, 8}, {width - 1, 14}, {height - 1, 14}, {0, 1}, {0, 3}, {0, 1}, {0, 1}, {0, 1}
    };
    List<int[]> all = new ArrayList<>(List.of(fields));
    for (int symbol : new int[] {0x80, 0x40, 0x20, 0xFF, 0}) {
      all.add(new int[] {1, 1}); // simple code
      all.add(new int[] {0, 1}); // one symbol
      all.add(new int[] {1, 1}); // eight bits
      all.add(new int[] {symbol, 8});
    }
    for (int[] field : all) {
      bits |= ((long) field[0] & ((1L << field[1]) - 1)) << used;
      used += field[1];
      while (used >= 8) {
        vp8l.write((int) (bits & 0xFF));
        bits >>>= 8;
        used -= 8;
      }
    }
    if (used > 0) {
      vp8l.write((int) bits);
    }
    byte[] data = vp8l.toByteArray();
    int chunk = data.length + (data.length & 1);
    ByteBuffer b = ByteBuffer.allocate(20 + chunk).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(12 + chunk);
    b.put("WEBP".getBytes(StandardCharsets.US_ASCII));
    b.put("VP8L".getBytes(StandardCharsets.US_ASCII)).putInt(data.length).put(data);
    return b.array();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data)
      throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    d.writeInt(data.length);
    d.write(name);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }

  private static void writeLittleEndian(byte[] data, int offset, int value) {
    data[offset] = (byte) value;
    data[offset + 1] = (byte) (value >>> 8);
    data[offset + 2] = (byte) (value >>> 16);
    data[offset + 3] = (byte) (value >>> 24);
  }
}
