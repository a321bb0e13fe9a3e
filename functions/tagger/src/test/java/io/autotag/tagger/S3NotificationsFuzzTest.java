package io.autotag.tagger;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.classify.ObjectRef;
import java.io.IOException;

/**
 * Fuzzes the reading of S3 event notifications, delivered directly or as the body of an SQS message
 * on the buffer queue (keys URL-decoded): the result is object references with a bucket and a key,
 * or a {@link S3Notifications.MalformedEventException} that sends the event to the dead-letter
 * queue, never another exception. Corpus: {@code S3NotificationsFuzzTestInputs/}; fuzzing:
 * docs/fuzzing.md.
 */
class S3NotificationsFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @FuzzTest(maxDuration = "2m")
  void createdObjects(byte[] event) {
    JsonNode root;
    try {
      root = JSON.readTree(event);
    } catch (IOException notJson) {
      return; // the handler refuses it before reading records
    }
    read(root);
    // The same JSON as an SQS event: each record's body is a notification in a string.
    for (JsonNode message : root.path("Records")) {
      try {
        read(JSON.readTree(message.path("body").asText()));
      } catch (IOException notJson) {
        // that message alone fails and reaches the dead-letter queue
      }
    }
  }

  private static void read(JsonNode notification) {
    if (notification == null || S3Notifications.isTestEvent(notification)) {
      return;
    }
    try {
      for (ObjectRef ref : S3Notifications.createdObjects(notification)) {
        if (ref.bucket().isEmpty() || ref.key().isEmpty()) {
          throw new AssertionError("accepted " + ref);
        }
      }
    } catch (S3Notifications.MalformedEventException expected) {
      // typed: the event goes to the dead-letter queue with this reason
    }
  }
}
