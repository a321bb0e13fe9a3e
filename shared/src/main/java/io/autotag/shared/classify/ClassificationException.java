package io.autotag.shared.classify;

import java.util.Objects;

/**
 * An image could not be classified. The {@link #reason()} decides what happens next: retryable
 * reasons are rethrown so the trigger retries; permanent ones are recorded on the object. The
 * message must be safe to show a user: it never holds a secret, a presigned URL or the image.
 */
public class ClassificationException extends Exception {

  private final FailureReason reason;

  public ClassificationException(FailureReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public ClassificationException(FailureReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public FailureReason reason() {
    return reason;
  }

  public boolean retryable() {
    return reason.retryable();
  }
}
