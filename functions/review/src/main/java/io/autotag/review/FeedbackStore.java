package io.autotag.review;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.review.Feedback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Verdicts as data: one small JSON object per verdict under the feedback prefix, partitioned by day
 * ({@link Feedback#objectKey}), which {@code autotag export-feedback} turns into a dataset. Labels
 * reviewers typed that are not in the vocabulary are remembered as empty objects under {@code
 * <prefix>labels/}, so every reviewer's page offers them.
 */
final class FeedbackStore {

  static final String LABELS = "labels/";
  private static final int PAGE = 1000;

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final ObjectMapper json;
  private final Set<String> knownLabels = ConcurrentHashMap.newKeySet();

  FeedbackStore(S3Client s3, String bucket, String prefix, ObjectMapper json) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.json = json;
  }

  /** Writes the feedback object; returns its key. */
  String write(Feedback feedback) {
    String key = feedback.objectKey(prefix);
    byte[] body;
    try {
      body = json.writeValueAsBytes(feedback);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s3.putObject(
        b -> b.bucket(bucket).key(key).contentType("application/json"),
        RequestBody.fromBytes(body));
    return key;
  }

  /** How many verdicts were recorded on {@code day} (UTC), counting at most {@code cap}. */
  long countOn(LocalDate day, long cap) {
    String partition = Feedback.datePrefix(prefix, day);
    long count = 0;
    String token = null;
    do {
      String continuation = token;
      ListObjectsV2Response page =
          s3.listObjectsV2(
              b ->
                  b.bucket(bucket).prefix(partition).maxKeys(PAGE).continuationToken(continuation));
      count += page.keyCount() == null ? page.contents().size() : page.keyCount();
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null && count < cap);
    return Math.min(count, cap);
  }

  /** Labels reviewers used that are not in the vocabulary (at most the first 1000). */
  List<String> customLabels() {
    String labels = prefix + LABELS;
    Set<String> found = new LinkedHashSet<>();
    for (S3Object object :
        s3.listObjectsV2(b -> b.bucket(bucket).prefix(labels).maxKeys(PAGE)).contents()) {
      String name = object.key().substring(labels.length());
      if (!name.isEmpty()) {
        found.add(name);
      }
    }
    knownLabels.addAll(found);
    return List.copyOf(found);
  }

  /** Remembers labels this process has not seen stored yet (one empty object each). */
  void remember(Collection<String> labels) {
    for (String label : labels) {
      if (!knownLabels.contains(label)) {
        s3.putObject(
            b -> b.bucket(bucket).key(prefix + LABELS + label),
            RequestBody.fromString("", StandardCharsets.UTF_8));
        knownLabels.add(label);
      }
    }
  }
}
