package io.autotag.shared.tagging;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.Label;
import io.autotag.shared.config.Settings;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The tags autotag writes, all under one configurable key prefix (default {@value
 * #DEFAULT_PREFIX}). Keys under the prefix belong to autotag; every other key is the user's and is
 * never touched.
 *
 * <p>Tags are produced in priority order, so when an object has few free tag slots the merge keeps
 * the first ones: for a classified object {@code status, label, confidence, etag, labels, model};
 * for a skipped or failed one {@code status, reason, etag, model}. The {@code etag} tag records
 * which content the tags describe, so a repeated event for the same content is recognised and
 * skipped.
 *
 * <p>A person's verdict (status {@code reviewed}, written by the review function) replaces
 * autotag's tags with {@code status, label, etag, labels, reviewer, reviewed}: the reviewer's
 * labels, who judged and when. The tagger treats it as settled for that content.
 */
public record TagSchema(String prefix, double labelThreshold, int maxLabels) {

  public static final String DEFAULT_PREFIX = "autotag:";

  /**
   * A target precision for listed labels: with the embedded model's calibrated confidence, 0.77 is
   * the lowest threshold at which the labels listed for the tuning photos (confidences
   * cross-validated by package) are both predicted (their mean confidence) and observed to be right
   * at least 90% of the time (model/MODEL_CARD.md, Quality).
   */
  public static final double DEFAULT_LABEL_THRESHOLD = 0.77;

  static final String LABEL_SEPARATOR = "/";

  public static final String STATUS = "status";
  public static final String LABEL = "label";
  public static final String CONFIDENCE = "confidence";
  public static final String ETAG = "etag";
  public static final String LABELS = "labels";
  public static final String MODEL = "model";
  public static final String REASON = "reason";
  public static final String REVIEWER = "reviewer";
  public static final String REVIEWED = "reviewed";

  private static final int LONGEST_NAME = CONFIDENCE.length();

  public TagSchema {
    if (!validPrefix(prefix)) {
      throw new IllegalArgumentException("invalid tag prefix");
    }
  }

  /**
   * Reads {@code AUTOTAG_TAG_PREFIX}, {@code AUTOTAG_LABEL_THRESHOLD}, {@code AUTOTAG_MAX_LABELS}.
   */
  public static TagSchema from(Settings settings) {
    String prefix = settings.string("AUTOTAG_TAG_PREFIX", DEFAULT_PREFIX);
    if (!validPrefix(prefix)) {
      settings.problem(
          "AUTOTAG_TAG_PREFIX must use only letters, digits, spaces and + - = . _ : / @, be at most "
              + (TagText.MAX_KEY_LENGTH - LONGEST_NAME)
              + " characters and must not start with aws:");
      prefix = DEFAULT_PREFIX;
    }
    double labelThreshold =
        settings.decimal("AUTOTAG_LABEL_THRESHOLD", DEFAULT_LABEL_THRESHOLD, 0.0, 1.0);
    int maxLabels = settings.integer("AUTOTAG_MAX_LABELS", 5, 1, 50);
    return new TagSchema(prefix, labelThreshold, maxLabels);
  }

  static boolean validPrefix(String prefix) {
    return prefix != null
        && !prefix.isEmpty()
        && TagText.isValid(prefix, TagText.MAX_KEY_LENGTH - LONGEST_NAME)
        && !prefix.toLowerCase(Locale.ROOT).startsWith("aws:");
  }

  public String key(String name) {
    return prefix + name;
  }

  public boolean isOurs(String key) {
    return key.startsWith(prefix);
  }

  /**
   * Tags for a classified or review object, most important first; {@code eTag} is the content's
   * ({@code null} when unknown: no {@code etag} tag).
   */
  public List<ObjectTag> forClassification(
      TagStatus status, Classification classification, String eTag) {
    List<ObjectTag> tags = new ArrayList<>();
    tags.add(tag(STATUS, status.value()));
    classification
        .top()
        .ifPresent(
            top -> {
              tags.add(tag(LABEL, top.name()));
              tags.add(tag(CONFIDENCE, formatConfidence(top.confidence())));
            });
    if (eTag != null) {
      tags.add(tag(ETAG, eTag));
    }
    String labels =
        joinLabels(
            classification.labelsAtLeast(labelThreshold).stream().map(Label::name).toList(),
            maxLabels);
    if (!labels.isEmpty()) {
      tags.add(new ObjectTag(key(LABELS), labels));
    }
    tags.add(tag(MODEL, classification.provider() + "/" + classification.modelId()));
    return List.copyOf(tags);
  }

  /**
   * Tags for an object that was skipped or failed, most important first; {@code eTag} and {@code
   * model} may be {@code null} (unknown: no such tag).
   */
  public List<ObjectTag> forProblem(
      TagStatus status, FailureReason reason, String eTag, String model) {
    return forProblem(status, reason.code(), eTag, model);
  }

  /**
   * Tags for an object that was skipped or failed for a reason outside the provider's vocabulary
   * (S3 or the review queue kept failing), most important first.
   */
  public List<ObjectTag> forProblem(
      TagStatus status, String reasonCode, String eTag, String model) {
    List<ObjectTag> tags = new ArrayList<>();
    tags.add(tag(STATUS, status.value()));
    tags.add(tag(REASON, reasonCode));
    if (eTag != null) {
      tags.add(tag(ETAG, eTag));
    }
    if (model != null) {
      tags.add(tag(MODEL, model));
    }
    return List.copyOf(tags);
  }

  /**
   * Tags for a person's verdict, most important first: {@code status=reviewed}, the first label,
   * the eTag of the content judged, every label, the reviewer and the time. An empty {@code labels}
   * is the verdict "none of these": status, eTag, reviewer and time only. A {@code null} eTag
   * (unknown) writes no {@code etag} tag.
   */
  public List<ObjectTag> forVerdict(
      List<String> labels, String eTag, String reviewer, Instant time) {
    List<ObjectTag> tags = new ArrayList<>();
    tags.add(tag(STATUS, TagStatus.REVIEWED.value()));
    List<String> names =
        labels.stream().map(TagSchema::labelName).filter(n -> !n.isEmpty()).toList();
    if (!names.isEmpty()) {
      tags.add(new ObjectTag(key(LABEL), names.getFirst()));
    }
    if (eTag != null) {
      tags.add(tag(ETAG, eTag));
    }
    String joined = joinLabels(names, names.size());
    if (!joined.isEmpty()) {
      tags.add(new ObjectTag(key(LABELS), joined));
    }
    tags.add(tag(REVIEWER, reviewer));
    tags.add(tag(REVIEWED, time.truncatedTo(ChronoUnit.SECONDS).toString()));
    return List.copyOf(tags);
  }

  /** A label as it appears in tags: cleaned, and never containing the {@code /} separator. */
  public static String labelName(String label) {
    return TagText.sanitize(label.replace(LABEL_SEPARATOR, "-"), TagText.MAX_VALUE_LENGTH);
  }

  /** Our status on an object, if it carries one. */
  public Optional<TagStatus> status(List<ObjectTag> tags) {
    return find(tags, STATUS).flatMap(TagStatus::fromValue);
  }

  /** The eTag our tags describe, if recorded. */
  public Optional<String> eTag(List<ObjectTag> tags) {
    return find(tags, ETAG);
  }

  public Optional<String> find(List<ObjectTag> tags, String name) {
    String key = key(name);
    return tags.stream().filter(t -> t.key().equals(key)).map(ObjectTag::value).findFirst();
  }

  private ObjectTag tag(String name, String value) {
    return new ObjectTag(key(name), TagText.sanitize(value, TagText.MAX_VALUE_LENGTH));
  }

  static String formatConfidence(double confidence) {
    return String.format(Locale.ROOT, "%.2f", confidence);
  }

  /** Joins whole labels with {@code /} up to the value limit; a label never appears cut. */
  private static String joinLabels(List<String> labels, int max) {
    StringBuilder joined = new StringBuilder();
    int count = 0;
    for (String label : labels) {
      if (count == max) {
        break;
      }
      String name = labelName(label);
      int extra = (joined.isEmpty() ? 0 : LABEL_SEPARATOR.length()) + name.length();
      if (name.isEmpty() || joined.length() + extra > TagText.MAX_VALUE_LENGTH) {
        continue;
      }
      if (!joined.isEmpty()) {
        joined.append(LABEL_SEPARATOR);
      }
      joined.append(name);
      count++;
    }
    return joined.toString();
  }
}
