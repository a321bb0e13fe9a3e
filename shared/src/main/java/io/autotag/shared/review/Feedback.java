package io.autotag.shared.review;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One person's verdict on one object version, as the review function writes it to S3: what the
 * model said (from the review message), what the person said, who and when. Schema {@value
 * #SCHEMA}: readers ignore unknown fields, and a breaking change gets a new schema name. Stored as
 * {@code <prefix>date=YYYY-MM-DD/<sha256 of the object version>.json} (the verdict's UTC date), so
 * a repeated verdict on the same day replaces its object; across days the latest {@code reviewedAt}
 * wins.
 *
 * @param labels the person's labels, best first; empty means "none of these"
 * @param note what the person wrote, if anything
 * @param queuedAt when the tagger queued the object for review
 * @param claimedAt when the reviewer's page claimed it
 * @param reviewedAt when the verdict was applied
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Feedback(
    String schema,
    String bucket,
    String key,
    String versionId,
    String eTag,
    Long size,
    String contentType,
    String provider,
    String model,
    List<ReviewMessage.Prediction> predictions,
    Double threshold,
    String reason,
    String queuedAt,
    List<String> labels,
    String note,
    String reviewer,
    String claimedAt,
    String reviewedAt) {

  public static final String SCHEMA = "autotag.feedback/1";

  public Feedback {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(reviewer, "reviewer");
    Objects.requireNonNull(reviewedAt, "reviewedAt");
    predictions = predictions == null ? List.of() : List.copyOf(predictions);
    labels = labels == null ? List.of() : List.copyOf(labels);
  }

  /** The feedback for a verdict on the object {@code message} asked about. */
  public static Feedback of(
      ReviewMessage message,
      List<String> labels,
      String note,
      String reviewer,
      Instant claimedAt,
      Instant reviewedAt) {
    return new Feedback(
        SCHEMA,
        message.bucket(),
        message.key(),
        message.versionId(),
        message.eTag(),
        message.size(),
        message.contentType(),
        message.provider(),
        message.model(),
        message.predictions(),
        message.threshold(),
        message.reason(),
        message.time(),
        labels,
        note == null || note.isBlank() ? null : note,
        reviewer,
        claimedAt.toString(),
        reviewedAt.toString());
  }

  /** Whether the person found none of the labels right. */
  @JsonIgnore
  public boolean noneOfThese() {
    return labels.isEmpty();
  }

  /** The model's top label, if it had one. */
  public Optional<String> modelLabel() {
    return predictions.isEmpty() ? Optional.empty() : Optional.of(predictions.getFirst().label());
  }

  /** The object version this verdict is about, as {@link ReviewMessage#identity()} spells it. */
  public String identity() {
    return ReviewMessage.identity(bucket, key, versionId, eTag);
  }

  /** Where this feedback is stored under {@code prefix}. */
  public String objectKey(String prefix) {
    LocalDate day = Instant.parse(reviewedAt).atZone(ZoneOffset.UTC).toLocalDate();
    return datePrefix(prefix, day) + Digests.sha256Hex(identity()) + ".json";
  }

  /** The partition of one UTC day under {@code prefix}. */
  public static String datePrefix(String prefix, LocalDate day) {
    return prefix + "date=" + day + "/";
  }
}
