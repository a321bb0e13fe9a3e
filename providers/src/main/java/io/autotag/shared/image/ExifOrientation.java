package io.autotag.shared.image;

/**
 * Reads the EXIF orientation (TIFF tag 274) of a JPEG and turns decoded pixels upright. Cameras and
 * phones store pixels as the sensor saw them and record the rotation in this tag; a classifier fed
 * the raw pixels would see a sideways photo. Only the first IFD of the APP1 {@code Exif} segment is
 * read, with every offset bounds-checked: anything unexpected means "no rotation", never an error.
 *
 * @see <a href="https://www.cipa.jp/std/documents/e/DC-008-2012_E.pdf">EXIF 2.3, section 4.6.4</a>
 */
public final class ExifOrientation {

  /** Upright: no change. Values 1-8 follow the EXIF specification. */
  public static final int NORMAL = 1;

  private static final int ORIENTATION_TAG = 0x0112;
  private static final int SOS = 0xDA;
  private static final int APP1 = 0xE1;

  private ExifOrientation() {}

  /** The orientation (1-8) declared by a JPEG, or {@link #NORMAL} when absent or unreadable. */
  public static int read(byte[] jpeg) {
    int pos = 2; // after SOI
    while (pos + 4 <= jpeg.length) {
      if ((jpeg[pos] & 0xFF) != 0xFF) {
        return NORMAL;
      }
      int marker = jpeg[pos + 1] & 0xFF;
      if (marker == 0xFF) {
        pos++; // fill byte
        continue;
      }
      if (marker == SOS || marker == 0xD9) {
        return NORMAL; // metadata segments all come before the scan
      }
      int length = u16(jpeg, pos + 2, true);
      if (length < 2) {
        return NORMAL;
      }
      int start = pos + 4;
      if (marker == APP1 && isExifHeader(jpeg, start, length - 2)) {
        return fromTiff(jpeg, start + 6, start + length - 2);
      }
      pos = start + length - 2;
    }
    return NORMAL;
  }

  private static boolean isExifHeader(byte[] data, int start, int length) {
    return length >= 6
        && start + 6 <= data.length
        && data[start] == 'E'
        && data[start + 1] == 'x'
        && data[start + 2] == 'i'
        && data[start + 3] == 'f'
        && data[start + 4] == 0
        && data[start + 5] == 0;
  }

  private static int fromTiff(byte[] data, int tiff, int end) {
    end = Math.min(end, data.length);
    if (tiff + 8 > end) {
      return NORMAL;
    }
    boolean bigEndian;
    if (data[tiff] == 'M' && data[tiff + 1] == 'M') {
      bigEndian = true;
    } else if (data[tiff] == 'I' && data[tiff + 1] == 'I') {
      bigEndian = false;
    } else {
      return NORMAL;
    }
    long ifd = u32(data, tiff + 4, bigEndian);
    if (ifd < 8 || tiff + ifd + 2 > end) {
      return NORMAL;
    }
    int entries = tiff + (int) ifd;
    int count = u16(data, entries, bigEndian);
    for (int i = 0; i < count; i++) {
      int entry = entries + 2 + i * 12;
      if (entry + 12 > end) {
        return NORMAL;
      }
      if (u16(data, entry, bigEndian) == ORIENTATION_TAG) {
        int value = u16(data, entry + 8, bigEndian); // a SHORT, left-aligned in the value field
        return value >= 1 && value <= 8 ? value : NORMAL;
      }
    }
    return NORMAL;
  }

  /** Whether applying {@code orientation} swaps width and height (the 90 degree turns). */
  public static boolean swapsAxes(int orientation) {
    return orientation >= 5 && orientation <= 8;
  }

  /**
   * Returns the pixels turned upright. {@code rgb} is {@code width x height}; the result is {@code
   * height x width} when {@link #swapsAxes} is true.
   */
  public static int[] apply(int[] rgb, int width, int height, int orientation) {
    if (orientation == NORMAL || orientation < 1 || orientation > 8) {
      return rgb;
    }
    boolean swap = swapsAxes(orientation);
    int outWidth = swap ? height : width;
    int outHeight = swap ? width : height;
    int[] out = new int[outWidth * outHeight];
    for (int y = 0; y < outHeight; y++) {
      for (int x = 0; x < outWidth; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> { // mirrored horizontally
            sx = width - 1 - x;
            sy = y;
          }
          case 3 -> { // rotated 180
            sx = width - 1 - x;
            sy = height - 1 - y;
          }
          case 4 -> { // mirrored vertically
            sx = x;
            sy = height - 1 - y;
          }
          case 5 -> { // transposed
            sx = y;
            sy = x;
          }
          case 6 -> { // needs a 90 degree clockwise turn
            sx = y;
            sy = height - 1 - x;
          }
          case 7 -> { // transversed
            sx = width - 1 - y;
            sy = height - 1 - x;
          }
          default -> { // 8: needs a 90 degree counter-clockwise turn
            sx = width - 1 - y;
            sy = x;
          }
        }
        out[y * outWidth + x] = rgb[sy * width + sx];
      }
    }
    return out;
  }

  private static int u16(byte[] data, int pos, boolean bigEndian) {
    int a = data[pos] & 0xFF;
    int b = data[pos + 1] & 0xFF;
    return bigEndian ? (a << 8) | b : (b << 8) | a;
  }

  private static long u32(byte[] data, int pos, boolean bigEndian) {
    long value = 0;
    for (int i = 0; i < 4; i++) {
      int b = data[bigEndian ? pos + i : pos + 3 - i] & 0xFF;
      value = (value << 8) | b;
    }
    return value;
  }
}
