package io.autotag.shared.testing;

import io.autotag.shared.classify.ObjectRef;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * An object's tags as a map, read and written through any S3 client (LocalS3, moto, the local
 * stack's): what every test that checks what the tagger wrote needs.
 */
public final class ObjectTags {

  private ObjectTags() {}

  /** The tags of the current version of {@code bucket/key}, in the order S3 returns them. */
  public static Map<String, String> read(S3Client s3, String bucket, String key) {
    return read(s3, bucket, key, null);
  }

  /** The tags of {@code object}'s version (the current one when it names none). */
  public static Map<String, String> read(S3Client s3, ObjectRef object) {
    return read(s3, object.bucket(), object.key(), object.versionId().orElse(null));
  }

  /** The tags of {@code versionId} of {@code bucket/key} ({@code null}: the current version). */
  public static Map<String, String> read(S3Client s3, String bucket, String key, String versionId) {
    Map<String, String> tags = new LinkedHashMap<>();
    s3.getObjectTagging(b -> b.bucket(bucket).key(key).versionId(versionId))
        .tagSet()
        .forEach(t -> tags.put(t.key(), t.value()));
    return tags;
  }

  /**
   * Replaces the object's tags with {@code tags} ({@code PutObjectTagging}: LocalS3 keeps an
   * upload's {@code x-amz-tagging} header values URL-encoded, so tests set user tags this way).
   */
  public static void write(S3Client s3, String bucket, String key, Map<String, String> tags) {
    s3.putObjectTagging(
        b ->
            b.bucket(bucket)
                .key(key)
                .tagging(
                    t ->
                        t.tagSet(
                            tags.entrySet().stream()
                                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                                .toList())));
  }
}
