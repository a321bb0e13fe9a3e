package io.autotag.shared.review;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * A request for a person to look at one object version. Schema {@value #SCHEMA}: consumers should
 * ignore unknown fields, and a breaking change gets a new schema name.
 *
 * @param reason why it needs review: {@code low-confidence}, {@code no-labels} or {@code
 *     no-tag-slots}
 * @param threshold the review threshold the top confidence was compared with
 * @param time when autotag decided, ISO-8601 in UTC
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReviewMessage(
    String schema,
    String bucket,
    String key,
    String versionId,
    String eTag,
    Long size,
    String contentType,
    String provider,
    String model,
    List<Prediction> predictions,
    double threshold,
    String reason,
    String time) {

  public static final String SCHEMA = "autotag.review/1";

  public ReviewMessage {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(time, "time");
    predictions = predictions == null ? List.of() : List.copyOf(predictions);
  }

  /** One of the model's top predictions. */
  public record Prediction(String label, double confidence) {}

  /**
   * A stable identity for the object version, used as the FIFO deduplication id so a repeated event
   * does not queue the same object twice.
   */
  public String identity() {
    return identity(bucket, key, versionId, eTag);
  }

  /** The identity of an object version, as {@link #identity()} spells it. */
  public static String identity(String bucket, String key, String versionId, String eTag) {
    return bucket
        + "/"
        + key
        + "#"
        + Objects.requireNonNullElse(versionId, "")
        + "#"
        + Objects.requireNonNullElse(eTag, "");
  }

  /** SHA-256 hex of {@link #identity()}: a fixed-length name for the object version. */
  public String identityDigest() {
    return Digests.sha256Hex(identity());
  }
}
