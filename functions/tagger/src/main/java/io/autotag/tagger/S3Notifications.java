package io.autotag.tagger;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.pipeline.S3EventKeys;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads S3 event notifications (the JSON S3 sends to Lambda directly or as an SQS message body)
 * into {@link ObjectRef}s: every record, keys URL-decoded, version and eTag carried. Records for
 * events other than {@code ObjectCreated:*} (a removal, a restore, ... where the bucket's
 * notification sends them here) are left out with a log line that says so; a malformed record is an
 * error, never skipped.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html">Event
 *     message structure</a>
 */
final class S3Notifications {

  private static final Logger log = LoggerFactory.getLogger(S3Notifications.class);

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

  /** The created objects named by a notification S3 sent straight to the function, in order. */
  static List<ObjectRef> createdObjects(JsonNode notification) throws MalformedEventException {
    return createdObjects(notification, null);
  }

  /**
   * The created objects named by the notification's records, in order. {@code messageId} names the
   * SQS message that carried it, for the log line of an ignored record (null when S3 invoked the
   * function directly).
   */
  static List<ObjectRef> createdObjects(JsonNode notification, String messageId)
      throws MalformedEventException {
    JsonNode records = notification.get("Records");
    if (records == null || !records.isArray()) {
      throw new MalformedEventException("no Records array");
    }
    List<ObjectRef> refs = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      JsonNode record = records.get(i);
      String eventName = record.path("eventName").asText("");
      if (!eventName.startsWith("ObjectCreated:")) {
        logIgnored(record, i, eventName, messageId);
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

  private static void logIgnored(JsonNode record, int index, String eventName, String messageId) {
    var line =
        log.atInfo()
            .addKeyValue("eventName", BatchOperationsTasks.SafeText.of(eventName))
            .addKeyValue("record", index)
            .addKeyValue("bucket", record.at("/s3/bucket/name").asText(""))
            .addKeyValue("key", readableKey(record.at("/s3/object/key").asText("")));
    if (messageId != null) {
      line = line.addKeyValue("messageId", messageId);
    }
    line.log("record ignored: only ObjectCreated events are classified");
  }

  /** The key as the user named it, or as the event spells it when it does not decode. */
  private static String readableKey(String encodedKey) {
    try {
      return S3EventKeys.decode(encodedKey);
    } catch (IllegalArgumentException e) {
      return encodedKey;
    }
  }

  /** The field's text, or {@code null} when the record leaves it out. */
  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
