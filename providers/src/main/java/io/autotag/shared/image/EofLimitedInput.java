package io.autotag.shared.image;

import javax.imageio.stream.ImageInputStreamImpl;

/**
 * The image bytes as an {@link javax.imageio.stream.ImageInputStream} that lets a reader run into
 * the end of the data only a few times. Some readers swallow the end of the stream and go on
 * decoding zeros (TwelveMonkeys' lossless WebP bit reader catches {@code EOFException} on every
 * refill), so a 34-byte file that declares 100 MP kept a core busy for minutes; past the limit this
 * throws, and the decoder reports the image as truncated.
 */
final class EofLimitedInput extends ImageInputStreamImpl {

  /** Reads past the end tolerated: readers peek past the end once or twice legitimately. */
  static final int MAX_READS_PAST_END = 64;

  private final byte[] data;
  private int readsPastEnd;

  EofLimitedInput(byte[] data) {
    this.data = data;
  }

  @Override
  public int read() {
    bitOffset = 0;
    if (streamPos >= data.length) {
      pastEnd();
      return -1;
    }
    return data[(int) streamPos++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    bitOffset = 0;
    if (len == 0) {
      return 0;
    }
    if (streamPos >= data.length) {
      pastEnd();
      return -1;
    }
    int n = (int) Math.min(len, data.length - streamPos);
    System.arraycopy(data, (int) streamPos, b, off, n);
    streamPos += n;
    return n;
  }

  @Override
  public long length() {
    return data.length;
  }

  private void pastEnd() {
    if (++readsPastEnd > MAX_READS_PAST_END) {
      throw new TruncatedImageException();
    }
  }

  /** Unchecked, so that no reader's {@code catch (IOException)} can swallow it. */
  static final class TruncatedImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TruncatedImageException() {
      super("read past the end of the image data too often", null, false, false);
    }
  }
}
