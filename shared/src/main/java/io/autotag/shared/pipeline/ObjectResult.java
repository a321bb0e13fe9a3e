package io.autotag.shared.pipeline;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome for one object, with a short detail safe for logs (a reason code or an error class,
 * never a message that may hold a URL or a secret) and, for {@link Outcome#RETRY}, the cause.
 */
public record ObjectResult(
    ObjectRef ref, Outcome outcome, String detail, Optional<Throwable> error) {

  public ObjectResult {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(error, "error");
  }

  static ObjectResult of(ObjectRef ref, Outcome outcome, String detail) {
    return new ObjectResult(ref, outcome, detail, Optional.empty());
  }

  static ObjectResult retry(ObjectRef ref, String detail, Throwable error) {
    return new ObjectResult(ref, Outcome.RETRY, detail, Optional.of(error));
  }
}
