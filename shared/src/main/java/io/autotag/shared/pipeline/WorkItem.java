package io.autotag.shared.pipeline;

import io.autotag.shared.classify.ObjectRef;

/**
 * An object to process and whether this is the trigger's last delivery: when a retryable failure
 * happens on the last attempt, the object is tagged {@code failed} with the reason before its
 * record goes to the dead-letter queue.
 */
public record WorkItem(ObjectRef ref, boolean lastAttempt) {

  public static WorkItem of(ObjectRef ref) {
    return new WorkItem(ref, false);
  }
}
