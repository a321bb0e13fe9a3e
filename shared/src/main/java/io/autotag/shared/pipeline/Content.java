package io.autotag.shared.pipeline;

import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ObjectRef;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link ObjectStore} read found: the object as read (the eTag of the content, and its size
 * when the whole object was read or announced), the format its magic bytes name, and the bytes when
 * they were read in full.
 */
public final class Content {

  private final ObjectRef read;
  private final ImageFormat format;
  private final byte[] data;

  private Content(ObjectRef read, ImageFormat format, byte[] data) {
    this.read = Objects.requireNonNull(read, "read");
    this.format = format;
    this.data = data;
  }

  /**
   * @param format the format the first bytes name, or {@code null} when they name none
   * @param data the whole object, or {@code null} when it was not read in full
   */
  public static Content of(ObjectRef read, ImageFormat format, byte[] data) {
    return new Content(read, format, data);
  }

  /** The object as read: its eTag, and its size when known. */
  public ObjectRef read() {
    return read;
  }

  /** The format the magic bytes name; empty when they are not an image autotag recognises. */
  public Optional<ImageFormat> format() {
    return Optional.ofNullable(format);
  }

  /** The object's bytes; empty when they were not read (not an image, over the limit, a head). */
  public Optional<byte[]> data() {
    return Optional.ofNullable(data);
  }
}
