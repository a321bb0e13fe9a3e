package io.autotag.shared.classify;

import java.util.Objects;
import java.util.Optional;

/**
 * One S3 object version, as an event, a listing or a request names it: bucket, key (decoded) and,
 * when known, the version id (versioned buckets), the eTag (unquoted) and the size. The pipeline
 * processes these, and a provider that reads S3 itself is handed one ({@link ImageInput.S3Object}).
 */
public final class ObjectRef {

  private final String bucket;
  private final String key;
  private final String versionId;
  private final String eTag;
  private final Long size;

  private ObjectRef(String bucket, String key, String versionId, String eTag, Long size) {
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.key = Objects.requireNonNull(key, "key");
    // Unversioned buckets' events may say "null"; S3 quotes eTags, events do not: compare bare.
    this.versionId =
        versionId == null || versionId.isBlank() || versionId.equals("null") ? null : versionId;
    String bare = eTag == null ? null : unquote(eTag);
    this.eTag = bare == null || bare.isBlank() ? null : bare;
    this.size = size;
  }

  public static ObjectRef of(String bucket, String key) {
    return new ObjectRef(bucket, key, null, null, null);
  }

  /**
   * An object version with what the event or listing tells of it; {@code null} where it does not.
   */
  public static ObjectRef of(String bucket, String key, String versionId, String eTag, Long size) {
    return new ObjectRef(bucket, key, versionId, eTag, size);
  }

  public String bucket() {
    return bucket;
  }

  public String key() {
    return key;
  }

  public Optional<String> versionId() {
    return Optional.ofNullable(versionId);
  }

  /** The eTag, unquoted. */
  public Optional<String> eTag() {
    return Optional.ofNullable(eTag);
  }

  public Optional<Long> size() {
    return Optional.ofNullable(size);
  }

  /**
   * This reference with the eTag of the content actually read; {@code null} keeps the one known.
   */
  public ObjectRef withETag(String readETag) {
    return readETag == null ? this : new ObjectRef(bucket, key, versionId, readETag, size);
  }

  /** This reference with the size actually read. */
  public ObjectRef withSize(long readSize) {
    return new ObjectRef(bucket, key, versionId, eTag, readSize);
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
  public boolean equals(Object other) {
    return other instanceof ObjectRef that
        && bucket.equals(that.bucket)
        && key.equals(that.key)
        && Objects.equals(versionId, that.versionId)
        && Objects.equals(eTag, that.eTag)
        && Objects.equals(size, that.size);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bucket, key, versionId, eTag, size);
  }

  /** {@code s3://bucket/key?versionId=...}: safe for logs, and what error messages name. */
  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key + (versionId == null ? "" : "?versionId=" + versionId);
  }
}
