package io.autotag.shared.image;

import java.util.Optional;

/**
 * What a JPEG's frame header (SOFn) says about the cost of decoding it: whether it is progressive
 * and how many DCT coefficients a decoder keeps for it. A progressive JPEG cannot be decoded scan
 * by scan: libjpeg (inside the JDK's reader) holds every coefficient of the whole image until the
 * last scan, 128 bytes per 8x8 block of every component, whatever subsampling is asked for. See ITU
 * T.81 (the JPEG standard), B.2.2 frame header, and libjpeg's {@code jdcoefct.c}.
 */
record JpegFrame(boolean progressive, long coefficientBytes) {

  /** The frame header of {@code data}, or empty when none comes before the first scan. */
  static Optional<JpegFrame> read(byte[] data) {
    int i = 2; // after SOI
    while (i + 4 <= data.length) {
      if ((data[i] & 0xFF) != 0xFF) {
        return Optional.empty();
      }
      int marker = data[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
        i += 2; // markers without a length
        continue;
      }
      int length = (data[i + 2] & 0xFF) << 8 | (data[i + 3] & 0xFF);
      if (isFrame(marker)) {
        return frame(data, i + 4, length - 2, marker);
      }
      if (marker == 0xDA || marker == 0xD9 || length < 2) {
        return Optional.empty(); // a scan or the end before any frame: the reader will refuse it
      }
      i += 2 + length;
    }
    return Optional.empty();
  }

  private static boolean isFrame(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  private static Optional<JpegFrame> frame(byte[] data, int at, int length, int marker) {
    if (length < 6 || at + length > data.length) {
      return Optional.empty();
    }
    int height = (data[at + 1] & 0xFF) << 8 | (data[at + 2] & 0xFF);
    int width = (data[at + 3] & 0xFF) << 8 | (data[at + 4] & 0xFF);
    int components = data[at + 5] & 0xFF;
    if (length < 6 + 3 * components || components == 0) {
      return Optional.empty();
    }
    int maxH = 1;
    int maxV = 1;
    for (int c = 0; c < components; c++) {
      int sampling = data[at + 6 + 3 * c + 1] & 0xFF;
      maxH = Math.max(maxH, sampling >> 4);
      maxV = Math.max(maxV, sampling & 0x0F);
    }
    long bytes = 0;
    for (int c = 0; c < components; c++) {
      int sampling = data[at + 6 + 3 * c + 1] & 0xFF;
      long blocksWide = ceilDiv((long) width * (sampling >> 4), 8L * maxH);
      long blocksHigh = ceilDiv((long) height * (sampling & 0x0F), 8L * maxV);
      bytes += blocksWide * blocksHigh * 64 * Short.BYTES;
    }
    boolean progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
    return Optional.of(new JpegFrame(progressive, bytes));
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
