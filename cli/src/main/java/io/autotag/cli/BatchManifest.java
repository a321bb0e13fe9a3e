package io.autotag.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The CSV manifest an S3 Batch Operations job reads ({@code S3BatchOperations_CSV_20180820}): one
 * line per object, {@code bucket,key} or {@code bucket,key,versionId}, keys URL-encoded as the
 * format requires. Written to a file while the bucket is listed, so ten million keys never sit in
 * memory.
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-create-job.html">
 *     Creating an S3 Batch Operations job: specifying a manifest</a>
 */
final class BatchManifest {

  /** The manifest's fields, in the order CreateJob's {@code Spec.Fields} names them. */
  static final List<String> FIELDS = List.of("Bucket", "Key");

  static final List<String> FIELDS_WITH_VERSION = List.of("Bucket", "Key", "VersionId");

  /** A written manifest: where, how many objects, and which fields its lines have. */
  record Written(Path file, long objects, List<String> fields) {}

  private BatchManifest() {}

  /**
   * Every current object under the prefix ({@code ListObjectsV2}), without version ids: each task
   * then reads whatever version is current when it runs, and an upload made meanwhile is handled by
   * its own event (the pipeline recognises the overlap).
   */
  static Written currentVersions(S3Client s3, String bucket, String prefix, Path file) {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      long count = 0;
      for (var object :
          s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(emptyToNull(prefix))).contents()) {
        out.write(line(bucket, object.key(), null));
        count++;
      }
      return new Written(file, count, FIELDS);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the manifest " + file, e);
    }
  }

  /**
   * Every version of every object under the prefix ({@code ListObjectVersions}; delete markers have
   * no content and are left out). The unversioned "null" version keeps its literal id, which S3
   * accepts wherever a version id is asked for.
   */
  static Written allVersions(S3Client s3, String bucket, String prefix, Path file) {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      long count = 0;
      for (var version :
          s3.listObjectVersionsPaginator(b -> b.bucket(bucket).prefix(emptyToNull(prefix)))
              .versions()) {
        out.write(line(bucket, version.key(), version.versionId()));
        count++;
      }
      return new Written(file, count, FIELDS_WITH_VERSION);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the manifest " + file, e);
    }
  }

  /** One manifest line, ending in a newline; {@code versionId} {@code null}: the latest version. */
  static String line(String bucket, String key, String versionId) {
    return bucket + "," + encodeKey(key) + (versionId == null ? "" : "," + versionId) + "\n";
  }

  /**
   * Percent-encodes a key (UTF-8) for a manifest, spaces as {@code %20} and slashes kept, so the
   * line holds no comma or line break and any URL decoder (the tagger's, or {@code unquote_plus} in
   * AWS's own examples) gives the key back.
   */
  static String encodeKey(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
  }

  private static String emptyToNull(String prefix) {
    return prefix.isEmpty() ? null : prefix;
  }
}
