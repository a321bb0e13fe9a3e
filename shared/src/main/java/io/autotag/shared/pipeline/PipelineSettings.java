package io.autotag.shared.pipeline;

import io.autotag.shared.config.Settings;

/**
 * How the pipeline decides and how hard it works: objects whose top confidence is below {@code
 * reviewThreshold} go to review; {@code concurrency} objects are processed at once; objects above
 * {@code maxObjectBytes} are skipped without being read.
 */
public record PipelineSettings(double reviewThreshold, int concurrency, long maxObjectBytes) {

  public static final long DEFAULT_MAX_OBJECT_BYTES = 50L * 1024 * 1024;

  public static PipelineSettings from(Settings settings) {
    return new PipelineSettings(
        settings.decimal("AUTOTAG_REVIEW_THRESHOLD", 0.5, 0.0, 1.0),
        settings.integer("AUTOTAG_CONCURRENCY", 8, 1, 256),
        settings.longValue(
            "AUTOTAG_MAX_OBJECT_BYTES", DEFAULT_MAX_OBJECT_BYTES, 1, 5L * 1024 * 1024 * 1024));
  }
}
