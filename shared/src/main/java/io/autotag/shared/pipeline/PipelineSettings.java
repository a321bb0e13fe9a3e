package io.autotag.shared.pipeline;

import io.autotag.shared.config.Settings;
import java.time.Duration;

/**
 * How the pipeline decides and how hard it works: objects whose top confidence is below {@code
 * reviewThreshold} go to review; {@code concurrency} objects are processed at once; objects above
 * {@code maxObjectBytes} are skipped without being read; providers that fetch URLs get a presigned
 * URL valid for {@code presignedUrlValidity} instead of the bytes, unless that is turned off.
 */
public record PipelineSettings(
    double reviewThreshold,
    int concurrency,
    long maxObjectBytes,
    boolean presignedUrls,
    Duration presignedUrlValidity) {

  public static final long DEFAULT_MAX_OBJECT_BYTES = 50L * 1024 * 1024;

  /**
   * A target precision for auto-tags: with the embedded model's calibrated confidence, 0.88 is the
   * lowest threshold at which the tuning photos' auto-tags (confidences cross-validated by package)
   * are both predicted (their mean confidence) and observed to be right at least 95% of the time
   * (model/MODEL_CARD.md, Quality, has the figures and what it costs in review). Hosted providers
   * report their own confidences, which this default was not tuned for.
   */
  public static final double DEFAULT_REVIEW_THRESHOLD = 0.88;

  public static PipelineSettings from(Settings settings) {
    return new PipelineSettings(
        settings.decimal("AUTOTAG_REVIEW_THRESHOLD", DEFAULT_REVIEW_THRESHOLD, 0.0, 1.0),
        settings.integer("AUTOTAG_CONCURRENCY", 8, 1, 256),
        settings.longValue(
            "AUTOTAG_MAX_OBJECT_BYTES", DEFAULT_MAX_OBJECT_BYTES, 1, 5L * 1024 * 1024 * 1024),
        settings.bool("AUTOTAG_PRESIGNED_URLS", true),
        Duration.ofSeconds(settings.integer("AUTOTAG_PRESIGNED_URL_SECONDS", 300, 30, 3600)));
  }
}
