package io.autotag.shared.classify;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The image to classify: its bytes, a URL the provider may fetch, or a reference to an S3 object.
 * Each form carries the format and size when the caller knows them, so providers can check limits
 * before doing any work.
 */
public sealed interface ImageInput {

  /** The format, when known (sniffed from the bytes for {@link Bytes}). */
  Optional<ImageFormat> format();

  /** Size in bytes, when known. */
  Optional<Long> size();

  /** A short description safe for logs and error messages: never the bytes, never a query. */
  String describe();

  /** Image bytes held in memory. */
  record Bytes(byte[] data, Optional<ImageFormat> format) implements ImageInput {
    public Bytes {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(format, "format");
    }

    /** Wraps bytes and sniffs their format from the magic bytes. */
    public static Bytes of(byte[] data) {
      return new Bytes(data, ImageFormat.sniff(data));
    }

    @Override
    public Optional<Long> size() {
      return Optional.of((long) data.length);
    }

    @Override
    public String describe() {
      return data.length + " bytes" + format.map(f -> " of " + f.mediaType()).orElse("");
    }

    @Override
    public String toString() {
      return "Bytes[" + describe() + "]";
    }
  }

  /** An image a provider can fetch itself. */
  record Url(URI uri, Optional<ImageFormat> format, Optional<Long> size) implements ImageInput {
    public Url {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(size, "size");
    }

    @Override
    public String describe() {
      // Presigned URLs carry credentials in the query string: never show it.
      return uri.getScheme() + "://" + uri.getHost() + uri.getRawPath();
    }

    /** The same as {@link #describe()}: a record's generated toString would print the query. */
    @Override
    public String toString() {
      return "Url[" + describe() + "]";
    }
  }

  /** An object in S3; {@code versionId} is empty for unversioned buckets. */
  record S3Object(
      String bucket,
      String key,
      Optional<String> versionId,
      Optional<ImageFormat> format,
      Optional<Long> size)
      implements ImageInput {
    public S3Object {
      Objects.requireNonNull(bucket, "bucket");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(versionId, "versionId");
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(size, "size");
    }

    @Override
    public String describe() {
      return "s3://" + bucket + "/" + key + versionId.map(v -> "?versionId=" + v).orElse("");
    }
  }
}
