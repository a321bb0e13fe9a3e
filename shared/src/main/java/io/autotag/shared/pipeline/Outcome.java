package io.autotag.shared.pipeline;

/** What happened to one object in one run of the pipeline. */
public enum Outcome {
  /** Tagged as classified. */
  CLASSIFIED,
  /** Tagged as review, and a review message was queued. */
  REVIEW,
  /** Tagged as skipped with a permanent reason (not an image, empty, too large, ...). */
  SKIPPED,
  /** Already processed for this content: nothing written. */
  DUPLICATE,
  /** Deleted or overwritten before it could be processed: nothing to tag. */
  GONE,
  /** A retryable failure: the trigger must deliver this object again. */
  RETRY
}
