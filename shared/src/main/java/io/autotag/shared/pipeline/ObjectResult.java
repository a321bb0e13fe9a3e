package io.autotag.shared.pipeline;

import io.autotag.shared.classify.ObjectRef;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome for one work item, with a short detail safe for logs (a reason code or an error
 * class, never a message that may hold a URL or a secret) and, for {@link Outcome#RETRY}, the
 * cause. It names the {@link WorkItem} it answers, so a caller that batched items from several
 * sources (the messages of an SQS batch) finds where each result belongs.
 */
public final class ObjectResult {

  private final WorkItem item;
  private final Outcome outcome;
  private final String detail;
  private final Throwable error;

  private ObjectResult(WorkItem item, Outcome outcome, String detail, Throwable error) {
    this.item = Objects.requireNonNull(item, "item");
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    this.detail = Objects.requireNonNull(detail, "detail");
    this.error = error;
  }

  public static ObjectResult of(WorkItem item, Outcome outcome, String detail) {
    return new ObjectResult(item, outcome, detail, null);
  }

  public static ObjectResult retry(WorkItem item, String detail, Throwable error) {
    return new ObjectResult(item, Outcome.RETRY, detail, Objects.requireNonNull(error, "error"));
  }

  public WorkItem item() {
    return item;
  }

  /** The object the item named. */
  public ObjectRef ref() {
    return item.ref();
  }

  public Outcome outcome() {
    return outcome;
  }

  public String detail() {
    return detail;
  }

  /** Why a retry is needed; empty for every other outcome. */
  public Optional<Throwable> error() {
    return Optional.ofNullable(error);
  }

  @Override
  public String toString() {
    return item.ref() + " " + outcome + " (" + detail + ")";
  }
}
