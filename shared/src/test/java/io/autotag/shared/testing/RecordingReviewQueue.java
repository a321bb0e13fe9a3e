package io.autotag.shared.testing;

import io.autotag.shared.review.ReviewMessage;
import io.autotag.shared.review.ReviewQueue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A {@link ReviewQueue} in memory: keeps what was sent, and refuses the messages a test says to
 * refuse (as SQS reports a per-entry failure), so a test can see what the caller does about it.
 */
public final class RecordingReviewQueue implements ReviewQueue {

  private final List<ReviewMessage> sent = new CopyOnWriteArrayList<>();
  private volatile Predicate<ReviewMessage> refused = message -> false;

  /** Refuses every later message {@code which} matches. */
  public RecordingReviewQueue refuse(Predicate<ReviewMessage> which) {
    this.refused = which;
    return this;
  }

  /** The messages queued so far, in order. */
  public List<ReviewMessage> sent() {
    return new ArrayList<>(sent);
  }

  @Override
  public Map<Integer, String> sendAll(List<ReviewMessage> messages) {
    Map<Integer, String> failed = new LinkedHashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      if (refused.test(messages.get(i))) {
        failed.put(i, "refused by the test");
      } else {
        sent.add(messages.get(i));
      }
    }
    return failed;
  }
}
