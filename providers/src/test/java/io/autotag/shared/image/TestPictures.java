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
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

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
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream d = new DataOutputStream(ihdr);
      d.writeInt(width);
      d.writeInt(height);
      d.writeByte(8); // bit depth
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
}
