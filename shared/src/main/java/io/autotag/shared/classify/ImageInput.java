package io.autotag.shared.classify;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The image to classify: its bytes, a URL the provider may fetch, or a reference to an S3 object.
 * Each form carries the format and size when the caller knows them, so providers can check limits
 * before doing any work. A known format was recognised from the image's magic bytes, once: whoever
 * gets the input need not look again.
 */
public sealed interface ImageInput {

  /** The format, when known (recognised from the magic bytes). */
  Optional<ImageFormat> format();

  /** Size in bytes, when known. */
  Optional<Long> size();

  /** A short description safe for logs and error messages: never the bytes, never a query. */
  String describe();

  /** Image bytes held in memory. */
  final class Bytes implements ImageInput {
    private final byte[] data;
    private final ImageFormat format;

    private Bytes(byte[] data, ImageFormat format) {
      this.data = Objects.requireNonNull(data, "data");
      this.format = format;
    }

    /** Wraps bytes and recognises their format from the magic bytes. */
    public static Bytes of(byte[] data) {
      return new Bytes(data, ImageFormat.sniff(data).orElse(null));
    }

    /** Wraps bytes whose format the caller already recognised from their magic bytes. */
    public static Bytes of(byte[] data, ImageFormat format) {
      return new Bytes(data, Objects.requireNonNull(format, "format"));
    }

    public byte[] data() {
      return data;
    }

    @Override
    public Optional<ImageFormat> format() {
      return Optional.ofNullable(format);
    }

    @Override
    public Optional<Long> size() {
      return Optional.of((long) data.length);
    }

    @Override
    public String describe() {
      return data.length + " bytes" + (format == null ? "" : " of " + format.mediaType());
    }

    @Override
    public String toString() {
      return "Bytes[" + describe() + "]";
    }
  }

  /** An image a provider can fetch itself. */
  final class Url implements ImageInput {
    private final URI uri;
    private final ImageFormat format;
    private final Long size;

    private Url(URI uri, ImageFormat format, Long size) {
      this.uri = Objects.requireNonNull(uri, "uri");
      this.format = format;
      this.size = size;
    }

    /** A URL with nothing known of what it serves. */
    public static Url of(URI uri) {
      return new Url(uri, null, null);
    }

    /** A URL to an image of a known format and, when not {@code null}, size. */
    public static Url of(URI uri, ImageFormat format, Long size) {
      return new Url(uri, Objects.requireNonNull(format, "format"), size);
    }

    public URI uri() {
      return uri;
    }

    @Override
    public Optional<ImageFormat> format() {
      return Optional.ofNullable(format);
    }

    @Override
    public Optional<Long> size() {
      return Optional.ofNullable(size);
    }

    @Override
    public String describe() {
      // Presigned URLs carry credentials in the query string: never show it.
      return uri.getScheme() + "://" + uri.getHost() + uri.getRawPath();
    }

    /** The same as {@link #describe()}: the query may hold credentials. */
    @Override
    public String toString() {
      return "Url[" + describe() + "]";
    }
  }

  /** An object in S3, for a provider that reads it with its own permissions. */
  final class S3Object implements ImageInput {
    private final ObjectRef object;
    private final ImageFormat format;

    private S3Object(ObjectRef object, ImageFormat format) {
      this.object = Objects.requireNonNull(object, "object");
      this.format = format;
    }

    /** An object whose format is not known yet. */
    public static S3Object of(ObjectRef object) {
      return new S3Object(object, null);
    }

    /** An object whose format was recognised from its first bytes. */
    public static S3Object of(ObjectRef object, ImageFormat format) {
      return new S3Object(object, Objects.requireNonNull(format, "format"));
    }

    public ObjectRef object() {
      return object;
    }

    @Override
    public Optional<ImageFormat> format() {
      return Optional.ofNullable(format);
    }

    @Override
    public Optional<Long> size() {
      return object.size();
    }

    @Override
    public String describe() {
      return object.toString();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof S3Object that
          && object.equals(that.object)
          && Objects.equals(format, that.format);
    }

    @Override
    public int hashCode() {
      return Objects.hash(object, format);
    }

    @Override
    public String toString() {
      return "S3Object[" + describe() + "]";
    }
  }
}
