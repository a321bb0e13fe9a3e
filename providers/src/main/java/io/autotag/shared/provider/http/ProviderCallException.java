package io.autotag.shared.provider.http;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import java.time.Duration;
import java.util.Optional;

/**
 * A failed provider call that may say how long to wait before the next attempt (an HTTP {@code
 * Retry-After}). {@link Retrier} honours the hint; everything else treats it as a plain {@link
 * ClassificationException}.
 */
public final class ProviderCallException extends ClassificationException {

  private final transient Duration retryAfter;

  public ProviderCallException(FailureReason reason, String message, Duration retryAfter) {
    super(reason, message);
    this.retryAfter = retryAfter;
  }

  public ProviderCallException(
      FailureReason reason, String message, Duration retryAfter, Throwable cause) {
    super(reason, message, cause);
    this.retryAfter = retryAfter;
  }

  /** How long the provider asked us to wait, when it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
