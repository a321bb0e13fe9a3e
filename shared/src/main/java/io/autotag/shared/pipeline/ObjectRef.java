package io.autotag.shared.pipeline;

import java.util.Objects;
import java.util.Optional;

/**
 * One S3 object version to process, as an event or a listing names it: bucket, decoded key, version
 * id (versioned buckets), eTag (unquoted) and size, when known.
 */
public record ObjectRef(
    String bucket,
    String key,
    Optional<String> versionId,
    Optional<String> eTag,
    Optional<Long> size) {

  public ObjectRef {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    versionId = versionId.filter(v -> !v.isBlank() && !v.equals("null"));
    eTag = eTag.map(ObjectRef::unquote).filter(e -> !e.isBlank());
    Objects.requireNonNull(size, "size");
  }

  public static ObjectRef of(String bucket, String key) {
    return new ObjectRef(bucket, key, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** This reference with the eTag of the content actually read, when S3 reported one. */
  public ObjectRef withETag(Optional<String> readETag) {
    return readETag.isEmpty() ? this : new ObjectRef(bucket, key, versionId, readETag, size);
  }

  /** This reference with the size actually read. */
  public ObjectRef withSize(long readSize) {
    return new ObjectRef(bucket, key, versionId, eTag, Optional.of(readSize));
  }

  /** S3 returns eTags in quotes; events carry them bare. Compare them bare. */
  public static String unquote(String eTag) {
    String trimmed = eTag.strip();
    if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
      return trimmed.substring(1, trimmed.length() - 1);
    }
    return trimmed;
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key + versionId.map(v -> "?versionId=" + v).orElse("");
  }
}
