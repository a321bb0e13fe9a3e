package io.autotag.shared.classify;

import java.util.Optional;

/**
 * Image formats autotag recognises, identified by their magic bytes rather than by a file extension
 * or a client-supplied content type, both of which lie.
 */
public enum ImageFormat {
  JPEG("image/jpeg"),
  PNG("image/png"),
  GIF("image/gif"),
  BMP("image/bmp"),
  WEBP("image/webp"),
  TIFF("image/tiff");

  /** How many leading bytes {@link #sniff} needs to recognise every format. */
  public static final int SNIFF_BYTES = 16;

  private final String mediaType;

  ImageFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  /** Recognises the format from the first bytes of a file ({@link #SNIFF_BYTES} are enough). */
  public static Optional<ImageFormat> sniff(byte[] head, int length) {
    int n = Math.min(length, head.length);
    if (startsWith(head, n, 0xFF, 0xD8, 0xFF)) {
      return Optional.of(JPEG);
    }
    if (startsWith(head, n, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Optional.of(PNG);
    }
    if (startsWith(head, n, 'G', 'I', 'F', '8')) {
      return Optional.of(GIF);
    }
    if (startsWith(head, n, 'B', 'M') && n >= 14) {
      return Optional.of(BMP);
    }
    if (startsWith(head, n, 'R', 'I', 'F', 'F')
        && n >= 12
        && head[8] == 'W'
        && head[9] == 'E'
        && head[10] == 'B'
        && head[11] == 'P') {
      return Optional.of(WEBP);
    }
    if (startsWith(head, n, 'I', 'I', 0x2A, 0x00) || startsWith(head, n, 'M', 'M', 0x00, 0x2A)) {
      return Optional.of(TIFF);
    }
    return Optional.empty();
  }

  public static Optional<ImageFormat> sniff(byte[] head) {
    return sniff(head, head.length);
  }

  private static boolean startsWith(byte[] data, int length, int... prefix) {
    if (length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((data[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
