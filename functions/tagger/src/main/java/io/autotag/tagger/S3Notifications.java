package io.autotag.tagger;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.pipeline.S3EventKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads S3 event notifications (the JSON S3 sends to Lambda directly or as an SQS message body)
 * into {@link ObjectRef}s: every record, keys URL-decoded, version and eTag carried. Records for
 * events other than {@code ObjectCreated:*} are left out; a malformed record is an error, never
 * skipped.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html">Event
 *     message structure</a>
 */
final class S3Notifications {

  private S3Notifications() {}

  /** A notification body that is not an S3 event (or is broken), with a reason safe to log. */
  static final class MalformedEventException extends Exception {
    MalformedEventException(String message) {
      super(message);
    }
  }

  /** Whether this is the {@code s3:TestEvent} S3 sends when notifications are configured. */
  static boolean isTestEvent(JsonNode notification) {
    return "s3:TestEvent".equals(notification.path("Event").asText(null));
  }

  /** The created objects named by the notification's records, in order. */
  static List<ObjectRef> createdObjects(JsonNode notification) throws MalformedEventException {
    JsonNode records = notification.get("Records");
    if (records == null || !records.isArray()) {
      throw new MalformedEventException("no Records array");
    }
    List<ObjectRef> refs = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      JsonNode record = records.get(i);
      String eventName = record.path("eventName").asText("");
      if (!eventName.startsWith("ObjectCreated:")) {
        continue;
      }
      refs.add(objectRef(record, i));
    }
    return refs;
  }

  private static ObjectRef objectRef(JsonNode record, int index) throws MalformedEventException {
    JsonNode s3 = record.path("s3");
    String bucket = s3.path("bucket").path("name").asText("");
    String encodedKey = s3.path("object").path("key").asText("");
    if (bucket.isEmpty() || encodedKey.isEmpty()) {
      throw new MalformedEventException("record " + index + " has no bucket name or object key");
    }
    String key;
    try {
      key = S3EventKeys.decode(encodedKey);
    } catch (IllegalArgumentException e) {
      throw new MalformedEventException("record " + index + " has a badly encoded key");
    }
    JsonNode object = s3.path("object");
    JsonNode size = object.path("size");
    return ObjectRef.of(
        bucket,
        key,
        text(object, "versionId"),
        text(object, "eTag"),
        size.canConvertToLong() ? Long.valueOf(size.asLong()) : null);
  }

  /** The field's text, or {@code null} when the record leaves it out. */
  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
