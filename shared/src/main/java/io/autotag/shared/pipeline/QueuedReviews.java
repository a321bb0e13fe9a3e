package io.autotag.shared.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The object versions (review identities) whose review message this process has already queued, so
 * that a redelivery of an object whose tag write failed after its message went out does not queue
 * the message again. Bounded: the least recently seen identities are forgotten first. A process
 * that restarted forgets everything; the few duplicates that leaves are dropped by the review
 * function's claim (same identity: bucket, key, version, eTag).
 */
final class QueuedReviews {

  /** About 2 MB at most: far more versions than one container sees between two retries. */
  static final int DEFAULT_CAPACITY = 10_000;

  private final Map<String, Boolean> identities;

  QueuedReviews(int capacity) {
    this.identities =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized boolean contains(String identity) {
    return identities.get(identity) != null;
  }

  synchronized void add(String identity) {
    identities.put(identity, Boolean.TRUE);
  }
}
