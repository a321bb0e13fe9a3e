package io.autotag.shared.provider.einstein;

import io.autotag.shared.classify.ClassificationException;

/** Supplies the Bearer token for Einstein calls. Implementations are thread-safe. */
interface AccessTokens {

  /** A token believed to be valid now. */
  String current() throws ClassificationException;

  /**
   * The service answered 401 to {@code token}: forget it. Returns whether another call to {@link
   * #current()} may yield a different token worth one more attempt.
   */
  boolean rejected(String token);
}
