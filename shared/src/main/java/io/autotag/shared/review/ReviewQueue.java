package io.autotag.shared.review;

import java.util.List;
import java.util.Map;

/**
 * Where review messages go: {@link SqsReviewQueue} in the functions, an in-memory queue in tests.
 * Sending never throws for a message it could not send: it says which, so the caller can retry
 * exactly those objects.
 */
public interface ReviewQueue {

  /**
   * Sends all messages; returns the positions (in {@code messages}) of those that could not be
   * sent, with the reason. An empty map means everything was queued.
   */
  Map<Integer, String> sendAll(List<ReviewMessage> messages);
}
